"""People API: create, read with purpose, edit, flags, photos, bad input, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peelian.core.audit import AuditEvent
from peelian.core.storage import LocalBlobStore
from peelian.records.models import Person, PersonFlag
from tests.records.conftest import PURPOSE

VALID: dict[str, Any] = {
    "given_names": "John",
    "family_name": "Smith",
    "date_of_birth": "1990-03-12",
    "alt_dates_of_birth": ["1990-12-03"],
    "sex": "male",
    "ethnicity": "W1",
    "height_cm": 180,
    "build": "stocky",
    "marks": "tattoo left forearm",
    "aliases": [{"kind": "alias", "given_names": "Johnny", "family_name": "Smyth"}],
    "identifiers": [{"kind": "pnc", "value": "90/123456x"},
                    {"kind": "phone", "value": "07700 900123"}],
    "addresses": [{"line1": "1 High Street", "town": "Leeds", "postcode": "LS1 1AA",
                   "from_date": "2020-01-01", "to_date": "2024-01-01"}],
}  # fmt: skip


def _count(session: Session, model: type[Any]) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _events(session: Session, record_type: str) -> list[AuditEvent]:
    session.expire_all()
    stmt = select(AuditEvent).where(AuditEvent.record_type == record_type)
    return list(session.scalars(stmt.order_by(AuditEvent.seq)))


def _create(client: TestClient, headers: dict[str, str], **over: Any) -> dict[str, Any]:
    res = client.post("/api/v1/people", json={**VALID, **over}, headers=headers)
    assert res.status_code == 201, res.text
    body: dict[str, Any] = res.json()
    return body


def _field(res: Any) -> str:
    assert res.status_code == 422, res.text
    assert res.headers["content-type"] == "application/problem+json"
    return str(res.json()["errors"][0]["field"])


class TestCreatePerson:
    def test_creates_with_names_identifiers_and_addresses(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        body = _create(client, writer)
        assert body["identifiers"][0] == {"kind": "pnc", "value": "90/123456X"}
        assert body["identifiers"][1]["value"] == "07700900123"
        assert body["aliases"][0]["family_name"] == "Smyth"
        assert body["addresses"][0]["town"] == "Leeds"

    def test_impossible_date_names_the_field(
        self, client: TestClient, writer: dict[str, str], db_session: Session
    ) -> None:
        before = _count(db_session, Person)
        res = client.post("/api/v1/people", json={**VALID, "date_of_birth": "1990-02-30"},
                          headers=writer)  # fmt: skip
        assert _field(res) == "/date_of_birth"
        assert _count(db_session, Person) == before

    def test_future_date_of_birth_is_refused(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        future = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
        res = client.post("/api/v1/people", json={**VALID, "date_of_birth": future},
                          headers=writer)  # fmt: skip
        assert _field(res) == "/date_of_birth"

    def test_unknown_ethnicity_code_names_the_field(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        res = client.post("/api/v1/people", json={**VALID, "ethnicity": "Z9"}, headers=writer)
        assert _field(res) == "/ethnicity"

    def test_malformed_identifier_names_the_field(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        res = client.post(
            "/api/v1/people",
            json={**VALID, "identifiers": [{"kind": "pnc", "value": "nope"}]},
            headers=writer,
        )
        assert _field(res) == "/identifiers/0"

    def test_duplicate_identifier_is_refused_and_changes_nothing(
        self, client: TestClient, writer: dict[str, str], db_session: Session
    ) -> None:
        _create(client, writer)
        before = _count(db_session, Person)
        res = client.post("/api/v1/people", json={**VALID, "given_names": "Other"}, headers=writer)
        assert _field(res) == "/identifiers/0/value"
        assert "another person" in res.json()["detail"]
        assert _count(db_session, Person) == before

    def test_unknown_field_is_refused(self, client: TestClient, writer: dict[str, str]) -> None:
        res = client.post("/api/v1/people", json={**VALID, "nickname": "JJ"}, headers=writer)
        assert _field(res) == "/nickname"

    def test_address_dates_out_of_order_are_refused(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        bad = [{"line1": "1 High Street", "town": "Leeds", "from_date": "2024-01-01",
                "to_date": "2020-01-01"}]  # fmt: skip
        res = client.post("/api/v1/people", json={**VALID, "addresses": bad}, headers=writer)
        assert _field(res) == "/addresses/0"

    def test_creation_is_audited(
        self, client: TestClient, writer: dict[str, str], db_session: Session
    ) -> None:
        body = _create(client, writer)
        assert [e.action.value for e in _events(db_session, "person")][-1] == "create"
        assert _events(db_session, "person")[-1].record_id == body["id"]


class TestReadPerson:
    def test_read_needs_a_purpose(self, client: TestClient, writer: dict[str, str]) -> None:
        pid = _create(client, writer)["id"]
        headers = {k: v for k, v in writer.items() if k != "X-Peelian-Purpose"}
        res = client.get(f"/api/v1/people/{pid}", headers=headers)
        assert res.status_code == 400
        assert res.json()["title"] == "Purpose required"

    def test_read_is_audited_with_the_purpose(
        self, client: TestClient, officer: dict[str, str], writer: dict[str, str],
        db_session: Session,
    ) -> None:  # fmt: skip
        pid = _create(client, writer)["id"]
        res = client.get(f"/api/v1/people/{pid}", headers=officer)
        assert res.status_code == 200
        event = _events(db_session, "person")[-1]
        assert (event.action.value, event.record_id, event.purpose) == ("read", pid, PURPOSE)
        assert event.actor_role == "officer"

    def test_unknown_person_is_not_found(self, client: TestClient, officer: dict[str, str]) -> None:
        res = client.get("/api/v1/people/01000000-0000-7000-8000-000000000000", headers=officer)
        assert res.status_code == 404


class TestUpdatePerson:
    def test_edit_changes_fields_and_reindexes_names(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        pid = _create(client, writer)["id"]
        res = client.patch(f"/api/v1/people/{pid}", json={"family_name": "Brown"}, headers=writer)
        assert res.status_code == 200
        assert res.json()["family_name"] == "Brown"
        found = client.get("/api/v1/people", params={"q": "John Brown 1990"}, headers=writer)
        assert [h["person_id"] for h in found.json()["items"]] == [pid]

    def test_failed_edit_changes_nothing(self, client: TestClient, writer: dict[str, str]) -> None:
        pid = _create(client, writer)["id"]
        other = _create(client, writer, identifiers=[{"kind": "pnc", "value": "91/1X"}])["id"]
        res = client.patch(
            f"/api/v1/people/{other}",
            json={
                "family_name": "Changed",
                "identifiers": [{"kind": "pnc", "value": "90/123456X"}],
            },
            headers=writer,
        )
        assert _field(res) == "/identifiers/0/value"
        again = client.get(f"/api/v1/people/{other}", headers=writer).json()
        assert again["family_name"] == "Smith"
        assert again["identifiers"] == [{"kind": "pnc", "value": "91/1X"}]
        assert pid != other

    def test_blank_name_is_refused(self, client: TestClient, writer: dict[str, str]) -> None:
        pid = _create(client, writer)["id"]
        res = client.patch(f"/api/v1/people/{pid}", json={"given_names": None}, headers=writer)
        assert _field(res) == "/given_names"


class TestAddFlag:
    def _flag(self, client: TestClient, headers: dict[str, str], pid: str, **body: Any) -> Any:
        return client.post(f"/api/v1/people/{pid}/flags", json={"source": "PNC", **body},
                           headers=headers)  # fmt: skip

    def test_bail_with_conditions_is_stored(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        pid = _create(client, writer)["id"]
        ends = (datetime.now(UTC) + timedelta(days=28)).isoformat()
        res = self._flag(client, writer, pid, kind="bail", bail_type="court", expires_at=ends,
                         conditions=["Reside at 1 High Street"], curfew_start="19:00",
                         curfew_end="07:00", exclusion_zone="Leeds city centre",
                         reporting="Mondays 10:00 at Elland Road")  # fmt: skip
        assert res.status_code == 201, res.text
        details = res.json()["details"]
        assert details["curfew"] == {"start": "19:00", "end": "07:00"}
        assert details["exclusion_zone"] == "Leeds city centre"

    def test_conflicting_bail_dates_name_the_field(
        self, client: TestClient, writer: dict[str, str], db_session: Session
    ) -> None:
        pid = _create(client, writer)["id"]
        now = datetime.now(UTC)
        res = self._flag(client, writer, pid, kind="bail", bail_type="police",
                         starts_at=now.isoformat(),
                         expires_at=(now - timedelta(days=1)).isoformat())  # fmt: skip
        assert _field(res) == "/expires_at"
        assert _count(db_session, PersonFlag) == 0

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"kind": "marker", "code": "grumpy", "review_date": "2027-01-01"}, "/code"),
            ({"kind": "wanted", "review_date": "2027-01-01"}, "/offence"),
            ({"kind": "fta_warrant", "review_date": "2027-01-01"}, "/court"),
            ({"kind": "marker", "code": "violent"}, "/review_date"),
            ({"kind": "bail", "bail_type": "police"}, "/expires_at"),
            ({"kind": "bail", "bail_type": "police", "expires_at": "2030-01-01T00:00:00Z",
              "curfew_start": "19:00"}, "/curfew_end"),
            ({"kind": "bail", "bail_type": "police", "expires_at": "2030-01-01T00:00:00Z",
              "curfew_start": "25:00", "curfew_end": "07:00"}, "/curfew_start"),
            ({"kind": "sulking", "review_date": "2027-01-01"}, "/kind"),
            ({"kind": "missing", "expires_at": "2030-01-01T00:00:00"}, "/expires_at"),
        ],
        ids=["unknown marker", "wanted without offence", "fta without court",
             "no expiry or review", "bail without end", "half a curfew", "impossible time",
             "unknown kind", "naive datetime"],
    )  # fmt: skip
    def test_bad_flags_name_the_field(
        self, client: TestClient, writer: dict[str, str], body: dict[str, Any], field: str
    ) -> None:
        pid = _create(client, writer)["id"]
        assert _field(self._flag(client, writer, pid, **body)) == field


@pytest.fixture
def blobs(app: FastAPI, tmp_path: Path) -> LocalBlobStore:
    """A throwaway local blob store for photographs."""
    store = LocalBlobStore(tmp_path / "blobs", fsync=False)
    app.state.peelian.blob_store = store
    return store


@pytest.mark.usefixtures("blobs")
class TestAddPhoto:
    def test_photo_is_stored_by_content_hash(
        self, client: TestClient, writer: dict[str, str]
    ) -> None:
        pid = _create(client, writer)["id"]
        png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
        res = client.post(f"/api/v1/people/{pid}/photos", headers=writer,
                          files={"file": ("face.png", png, "image/png")})  # fmt: skip
        assert res.status_code == 201, res.text
        read = client.get(f"/api/v1/people/{pid}", headers=writer).json()
        assert read["photos"][0]["sha256"] == res.json()["sha256"]

    def test_other_file_types_are_refused(self, client: TestClient, writer: dict[str, str]) -> None:
        pid = _create(client, writer)["id"]
        res = client.post(f"/api/v1/people/{pid}/photos", headers=writer,
                          files={"file": ("x.txt", b"hello", "text/plain")})  # fmt: skip
        assert _field(res) == "/file"
