"""Bad input gets a clear 4xx problem+json and changes nothing stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peelian.auth.models import Role, User
from tests.fixtures.auth import auth_header, make_user, token_for

VALID_USER = {
    "username": "new-user",
    "display_name": "New User",
    "role": "citizen",
    "password": "a-long-enough-password",
}


@pytest.fixture
def admin_headers(client: TestClient, db_session: Session) -> dict[str, str]:
    return auth_header(token_for(client, make_user(db_session, Role.ADMINISTRATOR)))


def _user_count(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def _assert_problem(res: object, status: int) -> dict[str, object]:
    assert res.status_code == status, res.text  # type: ignore[attr-defined]
    assert res.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = res.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    assert {"type", "title", "detail", "instance"} <= body.keys()
    return body


class TestCreateUserBadInput:
    def test_malformed_json(
        self, client: TestClient, db_session: Session, admin_headers: dict[str, str]
    ) -> None:
        before = _user_count(db_session)
        res = client.post(
            "/api/v1/users",
            content=b'{"username": "x",',
            headers={**admin_headers, "content-type": "application/json"},
        )
        body = _assert_problem(res, 400)
        assert body["title"] == "Malformed JSON"
        assert _user_count(db_session) == before

    def test_wrong_type(
        self, client: TestClient, db_session: Session, admin_headers: dict[str, str]
    ) -> None:
        before = _user_count(db_session)
        res = client.post(
            "/api/v1/users", json={**VALID_USER, "display_name": 42}, headers=admin_headers
        )
        body = _assert_problem(res, 422)
        assert body["errors"][0]["field"] == "/display_name"  # type: ignore[index]
        assert _user_count(db_session) == before

    def test_unknown_field(
        self, client: TestClient, db_session: Session, admin_headers: dict[str, str]
    ) -> None:
        res = client.post(
            "/api/v1/users", json={**VALID_USER, "is_admin": True}, headers=admin_headers
        )
        body = _assert_problem(res, 422)
        assert body["detail"] == "/is_admin is not a known field"

    def test_unknown_role(self, client: TestClient, admin_headers: dict[str, str]) -> None:
        res = client.post(
            "/api/v1/users", json={**VALID_USER, "role": "overlord"}, headers=admin_headers
        )
        body = _assert_problem(res, 422)
        assert body["errors"][0]["field"] == "/role"  # type: ignore[index]

    def test_oversized_body(
        self, client: TestClient, db_session: Session, admin_headers: dict[str, str]
    ) -> None:
        before = _user_count(db_session)
        huge = {**VALID_USER, "display_name": "x" * 70_000}
        res = client.post("/api/v1/users", json=huge, headers=admin_headers)
        body = _assert_problem(res, 413)
        assert "limit" in str(body["detail"])
        assert _user_count(db_session) == before

    def test_sql_injection_in_username_is_refused_and_harmless(
        self, client: TestClient, db_session: Session, admin_headers: dict[str, str]
    ) -> None:
        before = _user_count(db_session)
        res = client.post(
            "/api/v1/users",
            json={**VALID_USER, "username": "x'; DROP TABLE users;--"},
            headers=admin_headers,
        )
        _assert_problem(res, 422)
        assert _user_count(db_session) == before

    def test_html_injection_is_stored_inert_and_escaped_on_pages(
        self, client: TestClient, db_session: Session, admin_headers: dict[str, str]
    ) -> None:
        evil = "<script>alert(1)</script>"
        res = client.post(
            "/api/v1/users", json={**VALID_USER, "display_name": evil}, headers=admin_headers
        )
        assert res.status_code == 201
        assert res.json()["display_name"] == evil  # JSON carries it as data, not markup

    def test_duplicate_username_conflicts(
        self, client: TestClient, admin_headers: dict[str, str]
    ) -> None:
        assert (
            client.post("/api/v1/users", json=VALID_USER, headers=admin_headers).status_code == 201
        )
        _assert_problem(client.post("/api/v1/users", json=VALID_USER, headers=admin_headers), 409)

    def test_officer_without_collar_number(
        self, client: TestClient, admin_headers: dict[str, str]
    ) -> None:
        res = client.post(
            "/api/v1/users", json={**VALID_USER, "role": "officer"}, headers=admin_headers
        )
        body = _assert_problem(res, 422)
        assert "collar number" in str(body["detail"])


class TestOtherBadInput:
    def test_invalid_path_uuid(self, client: TestClient, admin_headers: dict[str, str]) -> None:
        res = client.get(
            "/api/v1/users/not-a-uuid", headers={**admin_headers, "X-Peelian-Purpose": "testing"}
        )
        _assert_problem(res, 422)

    def test_unknown_route_is_a_problem(self, client: TestClient) -> None:
        _assert_problem(client.get("/api/v1/nothing-here"), 404)

    def test_wrong_method_is_a_problem(self, client: TestClient) -> None:
        _assert_problem(client.delete("/api/v1/me"), 405)

    def test_non_bearer_authorization(self, client: TestClient) -> None:
        _assert_problem(
            client.get("/api/v1/me", headers={"Authorization": "Basic Zm9vOmJhcg=="}), 401
        )
