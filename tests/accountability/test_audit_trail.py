"""Every personal-data route writes the right audit event; sensitive reads need a purpose."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.core.audit import AuditAction, AuditEvent
from tests.fixtures.auth import auth_header, make_user, token_for


def _last(session: Session) -> AuditEvent:
    session.expire_all()
    return session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()


@pytest.fixture
def admin(client: TestClient, db_session: Session) -> tuple[object, dict[str, str]]:
    made = make_user(db_session, Role.ADMINISTRATOR)
    return made, auth_header(token_for(client, made))


class TestPersonalDataRoutesAreAudited:
    def test_create_user(self, client: TestClient, db_session: Session, admin: tuple) -> None:
        made, headers = admin
        res = client.post(
            "/api/v1/users",
            headers=headers,
            json={
                "username": "audited",
                "display_name": "A",
                "role": "citizen",
                "password": "x" * 12,
            },
        )
        event = _last(db_session)
        assert (event.action, event.record_type, event.record_id) == (
            AuditAction.CREATE,
            "user",
            res.json()["id"],
        )
        assert event.actor_id == made.user.id
        assert event.actor_role == "administrator"

    def test_read_user_with_purpose(
        self, client: TestClient, db_session: Session, admin: tuple
    ) -> None:
        _, headers = admin
        other = make_user(db_session, Role.CITIZEN)
        res = client.get(
            f"/api/v1/users/{other.user.id}",
            headers={**headers, "X-Peelian-Purpose": "Complaint 55/2026 review"},
        )
        assert res.status_code == 200
        event = _last(db_session)
        assert (event.action, event.record_id, event.purpose) == (
            AuditAction.READ,
            str(other.user.id),
            "Complaint 55/2026 review",
        )

    def test_read_without_purpose_is_refused_and_not_read(
        self, client: TestClient, db_session: Session, admin: tuple
    ) -> None:
        _, headers = admin
        other = make_user(db_session, Role.CITIZEN)
        before = _last(db_session).seq
        res = client.get(f"/api/v1/users/{other.user.id}", headers=headers)
        assert res.status_code == 400
        assert res.json()["title"] == "Purpose required"
        assert _last(db_session).seq == before  # nothing was read, so nothing to record

    def test_list_users_is_a_search_event(
        self, client: TestClient, db_session: Session, admin: tuple
    ) -> None:
        _, headers = admin
        client.get("/api/v1/users", headers=headers)
        assert _last(db_session).action == AuditAction.SEARCH

    def test_disable_user(self, client: TestClient, db_session: Session, admin: tuple) -> None:
        _, headers = admin
        other = make_user(db_session, Role.CITIZEN)
        client.post(f"/api/v1/users/{other.user.id}/disable", headers=headers)
        event = _last(db_session)
        assert (event.action, event.detail) == (AuditAction.UPDATE, {"change": "disabled"})

    def test_refused_access_is_recorded(self, client: TestClient, db_session: Session) -> None:
        citizen = make_user(db_session, Role.CITIZEN)
        client.get("/api/v1/users", headers=auth_header(token_for(client, citizen)))
        event = _last(db_session)
        assert (event.action, event.outcome, event.actor_id) == (
            AuditAction.DENIED,
            "refused",
            citizen.user.id,
        )


class TestAuditorSearch:
    def test_search_needs_a_purpose_and_is_itself_audited(
        self, client: TestClient, db_session: Session
    ) -> None:
        auditor = make_user(db_session, Role.AUDITOR)
        headers = auth_header(token_for(client, auditor))
        assert client.get("/api/v1/audit/events", headers=headers).status_code == 400
        res = client.get(
            "/api/v1/audit/events?record_type=user",
            headers={**headers, "X-Peelian-Purpose": "Quarterly access review"},
        )
        assert res.status_code == 200
        assert res.json()["total"] >= 1
        assert all(item["record_type"] == "user" for item in res.json()["items"])
        event = _last(db_session)
        assert (event.record_type, event.purpose) == ("audit_log", "Quarterly access review")

    def test_verify_reports_an_intact_chain(self, client: TestClient, db_session: Session) -> None:
        auditor = make_user(db_session, Role.AUDITOR)
        headers = auth_header(token_for(client, auditor))
        assert client.post("/api/v1/audit/checkpoints", headers=headers).status_code == 201
        body = client.post("/api/v1/audit/verify", headers=headers).json()
        assert body["ok"] is True
        assert body["checkpoints"] == 1


class TestNoPersonalDataInLogs:
    def test_sign_in_and_reads_leave_no_personal_data_in_log_output(
        self,
        client: TestClient,
        db_session: Session,
        caplog: pytest.LogCaptureFixture,
        admin: tuple,
    ) -> None:
        _, headers = admin
        caplog.set_level("DEBUG")
        other = make_user(db_session, Role.CITIZEN, username="private-person")
        client.get(
            f"/api/v1/users/{other.user.id}",
            headers={**headers, "X-Peelian-Purpose": "Checking log hygiene"},
        )
        client.post(
            "/api/v1/auth/token", json={"username": "private-person", "password": "wrong-one-x"}
        )
        text = caplog.text + " ".join(str(vars(r)) for r in caplog.records)
        assert "private-person" not in text
        assert "Test Citizen" not in text
