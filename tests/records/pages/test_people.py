"""People pages: search with a purpose, error summaries, the record, the check, create, edit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.auth.dependencies import SESSION_COOKIE, csrf_token_for
from peelian.auth.models import Role
from peelian.core.audit import AuditEvent
from peelian.records.models import Person, PersonFlag
from tests.fixtures.auth import make_user
from tests.fixtures.records import make_flag, make_person

HTML = {"accept": "text/html"}


def sign_in(client: TestClient, db_session: Session, role: Role) -> str:
    """Sign in through the login page; return the CSRF token for forms."""
    made = make_user(db_session, role)
    form = {"username": made.user.username, "password": made.password, "totp": made.code() or ""}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    return csrf_token_for(b"k" * 32, client.cookies[SESSION_COOKIE])


@pytest.fixture
def investigator(client: TestClient, db_session: Session) -> str:
    return sign_in(client, db_session, Role.INVESTIGATOR)


class TestSearchPage:
    def test_without_a_purpose_shows_the_error_summary(
        self, client: TestClient, investigator: str
    ) -> None:
        res = client.get("/people", params={"q": "John Smith"}, headers=HTML)
        assert res.status_code == 400
        assert "govuk-error-summary" in res.text
        assert "Enter why you need this record" in res.text

    def test_finds_and_links_with_the_purpose(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        res = client.get("/people", params={"q": "Jon Smyth 1990", "purpose": "Case 24/1234"},
                         headers=HTML)  # fmt: skip
        assert res.status_code == 200
        assert f"/people/{person.id}?purpose=Case%2024/1234" in res.text

    def test_malformed_query_is_shown_against_the_field(
        self, client: TestClient, investigator: str
    ) -> None:
        res = client.get("/people", params={"q": "John 31/02/1990", "purpose": "Case 24/1234"},
                         headers=HTML)  # fmt: skip
        assert res.status_code == 400
        assert 'href="#q"' in res.text
        assert "not a real date" in res.text

    def test_htmx_gets_the_error_summary_with_a_swappable_status(
        self, client: TestClient, investigator: str
    ) -> None:
        res = client.get("/people", params={"q": "John"},
                         headers={**HTML, "HX-Request": "true"})  # fmt: skip
        assert res.status_code == 200
        assert 'id="people-search"' in res.text
        assert "govuk-error-summary" in res.text


class TestPersonPage:
    def test_asks_for_a_purpose_first(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        res = client.get(f"/people/{person.id}", headers=HTML)
        assert res.status_code == 200
        assert "Why do you need this record?" in res.text
        assert "SMITH" not in res.text

    def test_shows_the_record_and_audits_the_purpose(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        res = client.get(f"/people/{person.id}", params={"purpose": "Case 24/1234"}, headers=HTML)
        assert res.status_code == 200
        assert "John SMITH" in res.text
        db_session.expire_all()
        event = db_session.scalars(
            select(AuditEvent).where(AuditEvent.record_id == str(person.id))
            .order_by(AuditEvent.seq.desc())
        ).first()  # fmt: skip
        assert event is not None
        assert (event.action.value, event.purpose) == ("read", "Case 24/1234")

    def test_links_to_fingerprint_enrolment_for_roles_that_may_enrol(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        res = client.get(f"/people/{person.id}", params={"purpose": "Case 24/1234"}, headers=HTML)
        assert f'href="/biometrics/enrolments/new?person_id={person.id}"' in res.text
        assert "Fingerprint enrolment" in res.text

    def test_no_enrolment_link_for_roles_that_may_not_enrol(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.OFFICER)
        person = make_person(db_session)
        db_session.commit()
        res = client.get(f"/people/{person.id}", params={"purpose": "Case 24/1234"}, headers=HTML)
        assert res.status_code == 200
        assert "/biometrics/enrolments/new" not in res.text


class TestCheckPage:
    def test_fragment_shows_red_with_safety_first(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        person = make_person(db_session)
        make_flag(db_session, person, kind="recall", expires_at=datetime.now(UTC) + timedelta(1))
        make_flag(db_session, person, kind="marker", code="firearms", review_date="2030-01-01")
        db_session.commit()
        res = client.get(f"/people/{person.id}/check", params={"purpose": "Stop in the street"},
                         headers={**HTML, "HX-Request": "true"})  # fmt: skip
        assert res.status_code == 200
        assert "RED" in res.text
        assert res.text.index("Officer safety") < res.text.index("Recalled to prison")

    def test_needs_a_purpose(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        res = client.get(f"/people/{person.id}/check", headers=HTML)
        assert res.status_code == 400
        assert "govuk-error-summary" in res.text


class TestCreatePersonPage:
    def test_creates_and_redirects(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        form = {"csrf_token": investigator, "given_names": "Ada", "family_name": "Lovelace",
                "date_of_birth": "1990-12-10", "sex": "female", "ethnicity": "W1",
                "pnc": "90/11X"}  # fmt: skip
        res = client.post("/people/new", data=form, headers=HTML, follow_redirects=False)
        assert res.status_code == 303, res.text
        assert db_session.scalars(select(Person).where(Person.family_name == "Lovelace")).one()

    def test_bad_input_shows_the_error_summary_and_keeps_values(
        self, client: TestClient, investigator: str
    ) -> None:
        form = {"csrf_token": investigator, "given_names": "Ada", "family_name": "",
                "date_of_birth": "1990-02-30", "ethnicity": "ZZ"}  # fmt: skip
        res = client.post("/people/new", data=form, headers=HTML)
        assert res.status_code == 400
        assert "govuk-error-summary" in res.text
        assert 'href="#family_name"' in res.text
        assert 'href="#date_of_birth"' in res.text
        assert 'value="Ada"' in res.text

    def test_without_csrf_token_is_refused(self, client: TestClient, investigator: str) -> None:
        res = client.post("/people/new", data={"given_names": "A"}, headers=HTML)
        assert res.status_code == 403


class TestEditPersonPage:
    def test_failed_edit_changes_nothing(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        form = {"csrf_token": investigator, "given_names": "Changed", "family_name": "Smith",
                "date_of_birth": "1990-03-12", "sex": "male", "ethnicity": "W1",
                "height_cm": "999"}  # fmt: skip
        res = client.post(f"/people/{person.id}/edit", data=form, headers=HTML)
        assert res.status_code == 400
        assert 'href="#height_cm"' in res.text
        db_session.expire_all()
        assert db_session.get(Person, person.id).given_names == "John"  # type: ignore[union-attr]

    def test_edit_saves(self, client: TestClient, db_session: Session, investigator: str) -> None:
        person = make_person(db_session)
        db_session.commit()
        assert client.get(f"/people/{person.id}/edit", headers=HTML).status_code == 200
        form = {"csrf_token": investigator, "given_names": "Jonathan", "family_name": "Smith",
                "date_of_birth": "1990-03-12", "sex": "male", "ethnicity": "W1"}  # fmt: skip
        res = client.post(f"/people/{person.id}/edit", data=form, headers=HTML,
                          follow_redirects=False)  # fmt: skip
        assert res.status_code == 303
        db_session.expire_all()
        assert db_session.get(Person, person.id).given_names == "Jonathan"  # type: ignore[union-attr]


class TestAddFlagPage:
    def test_adds_bail_with_a_curfew(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        assert client.get(f"/people/{person.id}/flags/new", headers=HTML).status_code == 200
        form = {"csrf_token": investigator, "kind": "bail", "source": "Leeds custody",
                "bail_type": "police", "expires_at": "2030-01-31", "curfew_start": "19:00",
                "curfew_end": "07:00",
                "conditions": "Reside at home; Not to contact X"}  # fmt: skip
        res = client.post(f"/people/{person.id}/flags/new", data=form, headers=HTML,
                          follow_redirects=False)  # fmt: skip
        assert res.status_code == 303, res.text
        flag = db_session.scalars(select(PersonFlag)).one()
        assert flag.details["conditions"] == ["Reside at home", "Not to contact X"]

    def test_bail_without_an_end_shows_the_error(
        self, client: TestClient, db_session: Session, investigator: str
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        form = {"csrf_token": investigator, "kind": "bail", "source": "Custody",
                "bail_type": "police", "expires_at": "2030-02-30"}  # fmt: skip
        res = client.post(f"/people/{person.id}/flags/new", data=form, headers=HTML)
        assert res.status_code == 400
        assert 'href="#expires_at"' in res.text
        assert db_session.scalars(select(PersonFlag)).first() is None
