"""Sign-in, MFA, lockout, token rotation and refresh-reuse revocation through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.auth.models import Role, User
from peelian.auth.security import encode_access_token
from peelian.core.audit import AuditAction, AuditEvent
from tests.fixtures.auth import auth_header, make_user, token_for


def _login(client: TestClient, username: str, password: str, totp: str | None = None) -> object:
    body = {"username": username, "password": password}
    if totp is not None:
        body["totp"] = totp
    return client.post("/api/v1/auth/token", json=body)


class TestLogin:
    def test_citizen_signs_in_with_password_alone(
        self, client: TestClient, db_session: Session
    ) -> None:
        made = make_user(db_session, Role.CITIZEN)
        res = _login(client, made.user.username, made.password)
        assert res.status_code == 200  # type: ignore[attr-defined]
        body = res.json()  # type: ignore[attr-defined]
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 600
        me = client.get("/api/v1/me", headers=auth_header(body["access_token"]))
        assert me.json()["username"] == made.user.username

    def test_staff_without_code_is_asked_for_mfa(
        self, client: TestClient, db_session: Session
    ) -> None:
        made = make_user(db_session, Role.OFFICER)
        res = _login(client, made.user.username, made.password)
        assert res.status_code == 401  # type: ignore[attr-defined]
        assert res.json()["mfa_required"] is True  # type: ignore[attr-defined]
        assert res.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]

    def test_staff_with_wrong_code_is_refused(
        self, client: TestClient, db_session: Session
    ) -> None:
        made = make_user(db_session, Role.SUPERVISOR)
        good = made.code() or ""
        bad = "000000" if good != "000000" else "111111"
        res = _login(client, made.user.username, made.password, bad)
        assert res.status_code == 401  # type: ignore[attr-defined]

    def test_a_code_cannot_be_replayed(self, client: TestClient, db_session: Session) -> None:
        made = make_user(db_session, Role.INVESTIGATOR)
        code = made.code()
        assert _login(client, made.user.username, made.password, code).status_code == 200  # type: ignore[attr-defined]
        assert _login(client, made.user.username, made.password, code).status_code == 401  # type: ignore[attr-defined]

    def test_unknown_user_and_wrong_password_look_the_same(
        self, client: TestClient, db_session: Session
    ) -> None:
        made = make_user(db_session, Role.CITIZEN)
        a = _login(client, "nobody-here", "whatever-password")
        b = _login(client, made.user.username, "wrong-password-here")
        assert a.status_code == b.status_code == 401  # type: ignore[attr-defined]
        assert a.json()["detail"] == b.json()["detail"]  # type: ignore[attr-defined]

    def test_failed_sign_in_is_audited(self, client: TestClient, db_session: Session) -> None:
        made = make_user(db_session, Role.CITIZEN)
        _login(client, made.user.username, "wrong-password-here")
        events = db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.LOGIN_FAILED)
        ).all()
        assert [e.record_id for e in events] == [str(made.user.id)]


class TestLockout:
    def test_locks_after_threshold_and_refuses_even_the_right_password(
        self, client: TestClient, db_session: Session
    ) -> None:
        made = make_user(db_session, Role.CITIZEN)
        for _ in range(5):
            assert _login(client, made.user.username, "wrong-password-here").status_code == 401  # type: ignore[attr-defined]
        res = _login(client, made.user.username, made.password)
        assert res.status_code == 429  # type: ignore[attr-defined]
        assert int(res.headers["retry-after"]) > 0  # type: ignore[attr-defined]
        db_session.expire_all()
        user = db_session.get(User, made.user.id)
        assert user is not None
        assert user.failed_logins == 5
        assert user.locked_until is not None


class TestRefresh:
    def test_rotation_returns_a_new_pair(self, client: TestClient, db_session: Session) -> None:
        made = make_user(db_session, Role.CITIZEN)
        first = _login(client, made.user.username, made.password).json()  # type: ignore[attr-defined]
        second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert second.status_code == 200
        assert second.json()["refresh_token"] != first["refresh_token"]

    def test_reuse_revokes_the_whole_family(self, client: TestClient, db_session: Session) -> None:
        made = make_user(db_session, Role.CITIZEN)
        first = _login(client, made.user.username, made.password).json()  # type: ignore[attr-defined]
        second = client.post(
            "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
        ).json()
        replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert replay.status_code == 401
        # The thief's replay also kills the legitimate holder's newer token.
        after = client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
        assert after.status_code == 401

    def test_logout_revokes_the_family(self, client: TestClient, db_session: Session) -> None:
        made = make_user(db_session, Role.CITIZEN)
        pair = _login(client, made.user.username, made.password).json()  # type: ignore[attr-defined]
        assert (
            client.post(
                "/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}
            ).status_code
            == 204
        )
        assert (
            client.post(
                "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
            ).status_code
            == 401
        )


class TestAccessTokens:
    def test_expired_token_is_refused(self, client: TestClient, db_session: Session) -> None:
        made = make_user(db_session, Role.CITIZEN)
        token = encode_access_token(
            b"k" * 32, user_id=made.user.id, role="citizen", device_id=None, ttl_s=-1
        )
        res = client.get("/api/v1/me", headers=auth_header(token))
        assert res.status_code == 401
        assert "expired" in res.json()["detail"]

    def test_forged_signature_is_refused(self, client: TestClient, db_session: Session) -> None:
        made = make_user(db_session, Role.CITIZEN)
        token = encode_access_token(
            b"x" * 32, user_id=made.user.id, role="administrator", device_id=None, ttl_s=600
        )
        assert client.get("/api/v1/me", headers=auth_header(token)).status_code == 401

    def test_garbage_token_is_refused(self, client: TestClient) -> None:
        res = client.get("/api/v1/me", headers={"Authorization": "Bearer not.a.token"})
        assert res.status_code == 401
        assert res.json()["title"] == "Not signed in"

    def test_disabled_user_token_stops_working(
        self, client: TestClient, db_session: Session
    ) -> None:
        admin = make_user(db_session, Role.ADMINISTRATOR)
        victim = make_user(db_session, Role.CITIZEN)
        victim_token = token_for(client, victim)
        admin_token = token_for(client, admin)
        res = client.post(
            f"/api/v1/users/{victim.user.id}/disable", headers=auth_header(admin_token)
        )
        assert res.status_code == 200
        assert client.get("/api/v1/me", headers=auth_header(victim_token)).status_code == 401
