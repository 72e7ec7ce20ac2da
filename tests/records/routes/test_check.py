"""The person check through the API: colours and reasons, expiry, merges, purpose and audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.core.audit import AuditEvent
from peelian.records.schemas import MergeCreate
from peelian.records.service import merge
from tests.fixtures.records import ACTOR, make_flag, make_person
from tests.records.conftest import PURPOSE

SOON = datetime.now(UTC) + timedelta(days=30)
PAST = datetime.now(UTC) - timedelta(days=1)
ALWAYS = {"curfew_start": "00:00", "curfew_end": "23:59"}  # in force whenever the test runs

FLAGS: dict[str, dict[str, Any]] = {
    "wanted": {"kind": "wanted", "offence": "Robbery", "expires_at": SOON},
    "fta": {"kind": "fta_warrant", "court": "Leeds Magistrates' Court", "review_date": SOON.date()},
    "recall": {"kind": "recall", "expires_at": SOON},
    "bail": {"kind": "bail", "bail_type": "police", "expires_at": SOON},
    "bail_curfew_now": {"kind": "bail", "bail_type": "court", "expires_at": SOON, **ALWAYS},
    "violent": {"kind": "marker", "code": "violent", "review_date": SOON.date()},
    "drugs": {"kind": "marker", "code": "drugs", "review_date": SOON.date()},
    "missing": {"kind": "missing", "expires_at": SOON},
    "licence": {"kind": "licence", "expires_at": SOON, "conditions": ["Curfew at home"]},
    "expired_wanted": {"kind": "wanted", "offence": "Theft", "expires_at": PAST},
}  # fmt: skip

CASES = [
    ([], "green", []),
    (["wanted"], "red", ["wanted"]),
    (["fta"], "red", ["fta_warrant"]),
    (["recall"], "red", ["recall"]),
    (["bail_curfew_now"], "red", ["bail"]),
    (["bail"], "amber", ["bail"]),
    (["drugs"], "amber", ["marker"]),
    (["missing"], "amber", ["missing"]),
    (["licence"], "amber", ["licence"]),
    (["drugs", "wanted", "violent"], "red", ["marker", "wanted", "marker"]),
    (["expired_wanted"], "green", []),
    (["expired_wanted", "bail"], "amber", ["bail"]),
]


def _check(client: TestClient, headers: dict[str, str], pid: object) -> dict[str, Any]:
    res = client.get(f"/api/v1/people/{pid}/check", headers=headers)
    assert res.status_code == 200, res.text
    body: dict[str, Any] = res.json()
    return body


class TestCheckPerson:
    @pytest.mark.parametrize(
        ("flags", "colour", "kinds"), CASES, ids=["+".join(c[0]) or "none" for c in CASES]
    )
    def test_colour_and_reasons(
        self,
        client: TestClient,
        db_session: Session,
        officer: dict[str, str],
        flags: list[str],
        colour: str,
        kinds: list[str],
    ) -> None:
        person = make_person(db_session)
        for name in flags:
            make_flag(db_session, person, **FLAGS[name])
        db_session.commit()
        body = _check(client, officer, person.id)
        assert body["colour"] == colour
        assert [r["kind"] for r in body["reasons"]] == kinds

    def test_officer_safety_comes_first(
        self, client: TestClient, db_session: Session, officer: dict[str, str]
    ) -> None:
        person = make_person(db_session)
        make_flag(db_session, person, **FLAGS["wanted"])
        make_flag(db_session, person, **FLAGS["violent"])
        db_session.commit()
        body = _check(client, officer, person.id)
        assert body["officer_safety"] == ["Warning: Violent"]
        assert body["reasons"][0]["safety"] is True

    def test_cancelled_warrant_stops_counting(
        self, client: TestClient, db_session: Session, officer: dict[str, str],
        writer: dict[str, str],
    ) -> None:  # fmt: skip
        person = make_person(db_session)
        flag = make_flag(db_session, person, **FLAGS["wanted"])
        db_session.commit()
        assert _check(client, officer, person.id)["colour"] == "red"
        res = client.post(f"/api/v1/people/{person.id}/flags/{flag.id}/cancel", headers=writer)
        assert res.status_code == 200
        assert _check(client, officer, person.id)["colour"] == "green"

    def test_expiry_is_computed_at_query_time(self, db_session: Session) -> None:
        from peelian.records.service.check import check_person

        person = make_person(db_session)
        make_flag(db_session, person, **FLAGS["wanted"])
        before = check_person(db_session, actor=ACTOR, person_id=person.id, purpose=PURPOSE)
        after = check_person(db_session, actor=ACTOR, person_id=person.id, purpose=PURPOSE,
                             at=SOON + timedelta(seconds=1))  # fmt: skip
        assert (before.colour.value, after.colour.value) == ("red", "green")

    def test_merged_duplicate_is_checked_as_its_survivor(
        self, client: TestClient, db_session: Session, officer: dict[str, str]
    ) -> None:
        survivor = make_person(db_session)
        duplicate = make_person(db_session, "Jon", "Smyth")
        make_flag(db_session, duplicate, **FLAGS["recall"])
        merge_in = MergeCreate(duplicate_id=duplicate.id, reason="same PNC")
        merge.merge_people(db_session, actor=ACTOR, survivor_id=survivor.id, merge_in=merge_in)
        db_session.commit()
        body = _check(client, officer, duplicate.id)
        assert body["person_id"] == str(survivor.id)
        assert body["colour"] == "red"

    def test_needs_a_purpose(self, client: TestClient, db_session: Session,
                             officer: dict[str, str]) -> None:  # fmt: skip
        person = make_person(db_session)
        db_session.commit()
        headers = {"Authorization": officer["Authorization"]}
        res = client.get(f"/api/v1/people/{person.id}/check", headers=headers)
        assert res.status_code == 400

    def test_is_audited_with_purpose_and_colour(
        self, client: TestClient, db_session: Session, officer: dict[str, str]
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        _check(client, officer, person.id)
        db_session.expire_all()
        event = db_session.scalars(
            select(AuditEvent).where(AuditEvent.record_type == "person_check")
        ).one()
        assert event.purpose == PURPOSE
        assert event.record_id == str(person.id)
        assert event.detail["colour"] == "green"
        assert event.actor_role == "officer"
