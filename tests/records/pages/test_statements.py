"""MG11 statement pages: the list without witness details, the whole statement behind a stated
purpose with its seal re-verified, and the incident page's list of its statements."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.core.audit import AuditEvent
from peelian.core.storage import LocalBlobStore
from peelian.records.models import Incident, WitnessStatement
from peelian.web.state import AppState
from tests.fixtures.mobile import mg11_data, officer_device, publish_forms, sha
from tests.fixtures.records_from_mobile import SIGNATURE, accept, push, supervisor
from tests.records.pages.test_people import HTML, sign_in

PURPOSE = "Case file review for the CPS"
EXACT_S9_START = "This statement (consisting of 1 page(s) each signed by me) is true"


@pytest.fixture(autouse=True)
def blobs(app_state: AppState, tmp_path: Path) -> LocalBlobStore:
    """A real blob store, so uploaded signature images are kept and re-hashed on reading."""
    store = LocalBlobStore(tmp_path / "blobs", fsync=False)
    app_state.blob_store = store
    return store


def _statement(
    client: TestClient, db_session: Session, signature: bytes = SIGNATURE
) -> WitnessStatement:
    """An MG11 signed on a device, pushed with its signature image and accepted."""
    publish_forms(db_session)
    data = mg11_data(sha(signature))
    sid = push(client, officer_device(db_session), "mg11", data, {"signature.png": signature})
    res = accept(client, supervisor(client, db_session), sid)
    assert res.status_code == 200, res.text
    reference = str(res.json()["record_ref"]).split(":", 1)[1]
    return db_session.scalars(
        select(WitnessStatement).where(WitnessStatement.reference == reference)
    ).one()


def _events(db_session: Session, action: str) -> list[AuditEvent]:
    db_session.expire_all()
    stmt = select(AuditEvent).where(
        AuditEvent.record_type == "witness_statement", AuditEvent.action == action
    )
    return list(db_session.scalars(stmt.order_by(AuditEvent.seq)))


class TestStatementListPage:
    def test_lists_statements_without_witness_details_and_audits_the_search(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = _statement(client, db_session)
        incident = db_session.get(Incident, record.incident_id)
        assert incident is not None
        before = len(_events(db_session, "search"))
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get("/statements", headers=HTML)
        assert res.status_code == 200
        assert record.reference in res.text
        assert incident.reference in res.text
        assert "Jane Witness" not in res.text
        assert "Teacher" not in res.text
        assert "shop window" not in res.text
        assert len(_events(db_session, "search")) == before + 1

    def test_filters_by_incident_reference(self, client: TestClient, db_session: Session) -> None:
        first = _statement(client, db_session)
        second = _statement(client, db_session, SIGNATURE[::-1])  # its own new incident
        other = db_session.get(Incident, second.incident_id)
        assert other is not None
        sign_in(client, db_session, Role.INVESTIGATOR)
        res = client.get("/statements", params={"incident": other.reference}, headers=HTML)
        assert res.status_code == 200
        assert second.reference in res.text
        assert first.reference not in res.text

    def test_a_malformed_incident_reference_shows_the_error_summary(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get("/statements", params={"incident": "INC-29/11/2026"}, headers=HTML)
        assert res.status_code == 400
        assert "govuk-error-summary" in res.text
        assert 'href="#incident"' in res.text

    def test_an_unknown_incident_reference_shows_the_error_summary(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get("/statements", params={"incident": "INC-20000101-000009"}, headers=HTML)
        assert res.status_code == 400
        assert "No incident has the reference INC-20000101-000009" in res.text

    def test_a_bad_page_number_shows_the_error_summary(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get("/statements", params={"page": "two"}, headers=HTML)
        assert res.status_code == 400
        assert 'href="#page"' in res.text

    def test_is_refused_to_a_role_without_statement_access(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.OFFICER)
        assert client.get("/statements", headers=HTML).status_code == 403


class TestStatementPage:
    def test_asks_for_a_purpose_first_and_reads_nothing(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = _statement(client, db_session)
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get(f"/statements/{record.id}", headers=HTML)
        assert res.status_code == 200
        assert "Why do you need this record?" in res.text
        assert "Jane Witness" not in res.text
        short = client.get(f"/statements/{record.id}", params={"purpose": "x"}, headers=HTML)
        assert short.status_code == 400
        assert 'href="#purpose"' in short.text
        assert _events(db_session, "read") == []

    def test_shows_the_whole_statement_and_that_it_verifies(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = _statement(client, db_session)
        incident = db_session.get(Incident, record.incident_id)
        assert incident is not None
        sign_in(client, db_session, Role.INVESTIGATOR)
        res = client.get(f"/statements/{record.id}", params={"purpose": PURPOSE}, headers=HTML)
        assert res.status_code == 200
        assert "Jane Witness" in res.text
        assert "Teacher" in res.text
        assert "saw a man break a shop window" in res.text
        assert EXACT_S9_START in res.text
        assert record.binding_sha256 in res.text
        assert "2026-11-29T11:00:00+00:00" in res.text
        assert "Verified:" in res.text
        assert "stored signature images were re-hashed" in res.text
        assert "NOT verify" not in res.text
        assert f'href="/incidents/{incident.id}"' in res.text
        assert f'href="/people/{record.witness_person_id}?purpose=' in res.text

    def test_opening_is_audited_with_the_purpose(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = _statement(client, db_session)
        sign_in(client, db_session, Role.SUPERVISOR)
        client.get(f"/statements/{record.id}", params={"purpose": PURPOSE}, headers=HTML)
        reads = _events(db_session, "read")
        assert [(e.record_id, e.purpose) for e in reads] == [(str(record.id), PURPOSE)]

    def test_a_tampered_statement_says_it_does_not_verify(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = _statement(client, db_session)
        record.statement = record.statement.replace("a man", "two men")
        db_session.commit()
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get(f"/statements/{record.id}", params={"purpose": PURPOSE}, headers=HTML)
        assert res.status_code == 200
        assert "does not verify" in res.text
        assert "do NOT verify" in res.text
        assert (
            "The statement text, page count or signing time no longer matches the envelope"
            in res.text
        )
        assert "Verified:" not in res.text

    def test_a_signature_image_changed_in_storage_says_it_does_not_verify(
        self, client: TestClient, db_session: Session, blobs: LocalBlobStore
    ) -> None:
        record = _statement(client, db_session)
        blobs.path_for(record.signature_sha256).write_bytes(SIGNATURE + b"forged")
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get(f"/statements/{record.id}", params={"purpose": PURPOSE}, headers=HTML)
        assert "does not verify" in res.text
        assert "The witness&#39;s signature image in storage has changed" in res.text

    def test_an_unknown_statement_is_not_found(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.SUPERVISOR)
        missing = "/statements/00000000-0000-7000-8000-000000000000"
        assert client.get(missing, params={"purpose": PURPOSE}, headers=HTML).status_code == 404

    def test_is_refused_to_a_role_without_statement_access(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = _statement(client, db_session)
        sign_in(client, db_session, Role.AUDITOR)
        res = client.get(f"/statements/{record.id}", params={"purpose": PURPOSE}, headers=HTML)
        assert res.status_code == 403
        assert _events(db_session, "read") == []


class TestIncidentPageStatements:
    def test_lists_the_incidents_statements_to_those_who_may_read_them(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = _statement(client, db_session)
        sign_in(client, db_session, Role.INVESTIGATOR)
        res = client.get(f"/incidents/{record.incident_id}", headers=HTML)
        assert res.status_code == 200
        assert f'href="/statements/{record.id}"' in res.text
        assert "Jane Witness" not in res.text

    def test_shows_no_statements_to_a_role_without_statement_access(
        self, client: TestClient, db_session: Session
    ) -> None:
        record = _statement(client, db_session)
        before = len(_events(db_session, "search"))
        sign_in(client, db_session, Role.OFFICER)
        res = client.get(f"/incidents/{record.incident_id}", headers=HTML)
        assert res.status_code == 200
        assert 'href="/statements/' not in res.text
        assert len(_events(db_session, "search")) == before
