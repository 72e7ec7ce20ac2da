"""Merging duplicate people through the API, and undoing it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.core.audit import AuditEvent
from peelian.records.models import Person
from tests.fixtures.records import make_flag, make_person


def _pair(db_session: Session) -> tuple[Person, Person]:
    survivor = make_person(db_session, "John", "Smith")
    duplicate = make_person(db_session, "Johnny", "Smithe")
    make_flag(db_session, duplicate, kind="wanted", offence="Burglary",
              expires_at=datetime.now(UTC) + timedelta(days=9))  # fmt: skip
    db_session.commit()
    return survivor, duplicate


def _merge(client: TestClient, headers: dict[str, str], survivor: Any, duplicate: Any) -> Any:
    return client.post(
        f"/api/v1/people/{survivor}/merges",
        json={"duplicate_id": str(duplicate), "reason": "Same PNC ID on both"},
        headers=headers,
    )


class TestMergePeople:
    def test_survivor_carries_the_duplicates_flags_and_names(
        self, client: TestClient, db_session: Session, writer: dict[str, str]
    ) -> None:
        survivor, duplicate = _pair(db_session)
        res = _merge(client, writer, survivor.id, duplicate.id)
        assert res.status_code == 201, res.text
        read = client.get(f"/api/v1/people/{survivor.id}", headers=writer).json()
        assert read["merged_ids"] == [str(duplicate.id)]
        assert [f["kind"] for f in read["flags"]] == ["wanted"]
        check = client.get(f"/api/v1/people/{survivor.id}/check", headers=writer).json()
        assert check["colour"] == "red"
        found = client.get("/api/v1/people", params={"q": "Johnny Smithe 1990"}, headers=writer)
        assert [h["person_id"] for h in found.json()["items"]] == [str(survivor.id)]

    def test_merge_is_audited(
        self, client: TestClient, db_session: Session, writer: dict[str, str]
    ) -> None:
        survivor, duplicate = _pair(db_session)
        merge_id = _merge(client, writer, survivor.id, duplicate.id).json()["id"]
        db_session.expire_all()
        event = db_session.scalars(
            select(AuditEvent).where(AuditEvent.record_type == "person_merge")
        ).one()
        assert event.record_id == merge_id
        assert event.detail["duplicate_id"] == str(duplicate.id)

    def test_cannot_merge_into_itself(
        self, client: TestClient, db_session: Session, writer: dict[str, str]
    ) -> None:
        survivor, _ = _pair(db_session)
        res = _merge(client, writer, survivor.id, survivor.id)
        assert res.status_code == 422
        assert res.json()["errors"][0]["field"] == "/duplicate_id"

    def test_cannot_merge_twice(
        self, client: TestClient, db_session: Session, writer: dict[str, str]
    ) -> None:
        survivor, duplicate = _pair(db_session)
        assert _merge(client, writer, survivor.id, duplicate.id).status_code == 201
        assert _merge(client, writer, survivor.id, duplicate.id).status_code == 409

    def test_unknown_duplicate_names_the_field(
        self, client: TestClient, db_session: Session, writer: dict[str, str]
    ) -> None:
        survivor, _ = _pair(db_session)
        res = _merge(client, writer, survivor.id, "01000000-0000-7000-8000-000000000000")
        assert res.json()["errors"][0]["field"] == "/duplicate_id"


class TestUndoMerge:
    def test_unmerge_restores_both_records(
        self, client: TestClient, db_session: Session, writer: dict[str, str]
    ) -> None:
        survivor, duplicate = _pair(db_session)
        merge_id = _merge(client, writer, survivor.id, duplicate.id).json()["id"]
        res = client.post(f"/api/v1/people/merges/{merge_id}/undo", headers=writer)
        assert res.status_code == 200
        assert res.json()["undone_at"] is not None
        survivor_check = client.get(f"/api/v1/people/{survivor.id}/check", headers=writer)
        duplicate_check = client.get(f"/api/v1/people/{duplicate.id}/check", headers=writer)
        assert survivor_check.json()["colour"] == "green"
        assert duplicate_check.json()["colour"] == "red"
        assert duplicate_check.json()["person_id"] == str(duplicate.id)

    def test_cannot_undo_twice(
        self, client: TestClient, db_session: Session, writer: dict[str, str]
    ) -> None:
        survivor, duplicate = _pair(db_session)
        merge_id = _merge(client, writer, survivor.id, duplicate.id).json()["id"]
        assert client.post(f"/api/v1/people/merges/{merge_id}/undo", headers=writer).is_success
        again = client.post(f"/api/v1/people/merges/{merge_id}/undo", headers=writer)
        assert again.status_code == 409
