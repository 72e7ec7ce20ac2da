"""Browser sign-in, sessions, CSRF protection and the admin pages (server-rendered)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.auth.models import Role, User
from tests.fixtures.auth import MadeUser, make_user

HTML = {"accept": "text/html"}


def _sign_in(client: TestClient, made: MadeUser) -> str:
    res = client.post(
        "/login",
        data={"username": made.user.username, "password": made.password, "totp": made.code() or ""},
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    page = client.get("/staff", headers=HTML).text
    match = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page)
    assert match
    return match.group(1)


class TestSignIn:
    def test_empty_form_shows_a_govuk_error_summary(self, client: TestClient) -> None:
        res = client.post("/login", data={})
        assert res.status_code == 400
        assert "govuk-error-summary" in res.text
        assert "Enter your username" in res.text
        assert "<title>Error: Sign in" in res.text

    def test_wrong_password_shows_the_error_in_the_form(
        self, client: TestClient, db_session: Session
    ) -> None:
        made = make_user(db_session, Role.OFFICER)
        res = client.post(
            "/login", data={"username": made.user.username, "password": "nope-nope-nope"}
        )
        assert res.status_code == 401
        assert "The username or password is wrong" in res.text

    def test_success_sets_a_secure_cookie_and_redirects(
        self, client: TestClient, db_session: Session
    ) -> None:
        made = make_user(db_session, Role.OFFICER)
        res = client.post(
            "/login",
            data={
                "username": made.user.username,
                "password": made.password,
                "totp": made.code(),
                "next": "/staff",
            },
            follow_redirects=False,
        )
        assert res.headers["location"] == "/staff"
        cookie = res.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie

    def test_next_cannot_redirect_off_site(self, client: TestClient, db_session: Session) -> None:
        made = make_user(db_session, Role.OFFICER)
        res = client.post(
            "/login",
            data={
                "username": made.user.username,
                "password": made.password,
                "totp": made.code(),
                "next": "//evil.example",
            },
            follow_redirects=False,
        )
        assert res.headers["location"] == "/staff"

    def test_pages_redirect_anonymous_browsers_to_sign_in(self, client: TestClient) -> None:
        res = client.get("/admin/users", headers=HTML, follow_redirects=False)
        assert res.status_code == 303
        assert res.headers["location"] == "/login?next=/admin/users"


class TestCsrf:
    def test_form_post_without_token_is_refused_and_changes_nothing(
        self, client: TestClient, db_session: Session
    ) -> None:
        admin = make_user(db_session, Role.ADMINISTRATOR)
        victim = make_user(db_session, Role.CITIZEN)
        _sign_in(client, admin)
        res = client.post(f"/admin/users/{victim.user.id}/disable", data={}, headers=HTML)
        assert res.status_code == 403
        db_session.expire_all()
        assert db_session.get(User, victim.user.id).is_active  # type: ignore[union-attr]

    def test_form_post_with_token_works(self, client: TestClient, db_session: Session) -> None:
        admin = make_user(db_session, Role.ADMINISTRATOR)
        victim = make_user(db_session, Role.CITIZEN)
        token = _sign_in(client, admin)
        res = client.post(
            f"/admin/users/{victim.user.id}/disable",
            data={"csrf_token": token},
            follow_redirects=False,
        )
        assert res.status_code == 303
        db_session.expire_all()
        assert not db_session.get(User, victim.user.id).is_active  # type: ignore[union-attr]

    def test_htmx_header_token_is_accepted(self, client: TestClient, db_session: Session) -> None:
        auditor = make_user(db_session, Role.AUDITOR)
        token = _sign_in(client, auditor)
        res = client.post("/audit/verify", headers={"X-CSRF-Token": token})
        assert res.status_code == 200
        assert "intact" in res.text

    def test_logout_needs_the_token_and_ends_the_session(
        self, client: TestClient, db_session: Session
    ) -> None:
        made = make_user(db_session, Role.OFFICER)
        token = _sign_in(client, made)
        assert client.post("/logout", data={}, headers=HTML).status_code == 403
        assert (
            client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
            == 303
        )
        assert client.get("/staff", headers=HTML, follow_redirects=False).status_code == 303


class TestAdminUsersPage:
    def test_create_user_with_errors_shows_summary_and_creates_nothing(
        self, client: TestClient, db_session: Session
    ) -> None:
        token = _sign_in(client, make_user(db_session, Role.ADMINISTRATOR))
        res = client.post(
            "/admin/users",
            data={
                "csrf_token": token,
                "username": "Bad Name!",
                "display_name": "",
                "role": "citizen",
                "password": "short",
            },
        )
        assert res.status_code == 422
        assert "There is a problem" in res.text
        assert db_session.scalar(select(User).where(User.username == "bad name!")) is None

    def test_create_user_shows_the_totp_secret_once(
        self, client: TestClient, db_session: Session
    ) -> None:
        token = _sign_in(client, make_user(db_session, Role.ADMINISTRATOR))
        res = client.post(
            "/admin/users",
            data={
                "csrf_token": token,
                "username": "pc-new",
                "display_name": "PC New",
                "role": "officer",
                "collar_number": "999",
                "password": "a-good-long-password",
            },
        )
        assert res.status_code == 200
        assert "Account created" in res.text
        assert "TOTP secret" in res.text

    def test_html_in_names_is_escaped(self, client: TestClient, db_session: Session) -> None:
        token = _sign_in(client, make_user(db_session, Role.ADMINISTRATOR))
        client.post(
            "/admin/users",
            data={
                "csrf_token": token,
                "username": "xss-person",
                "display_name": "<script>alert(1)</script>",
                "role": "citizen",
                "password": "a-good-long-password",
            },
        )
        page = client.get("/admin/users", headers=HTML).text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
