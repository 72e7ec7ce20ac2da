"""Stop and search API: monitoring filters, the per-ethnicity view, CSV, purpose-bound reads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.core.audit import Actor
from peelian.core.audit.models import AuditEvent
from peelian.core.errors import InvalidInput
from peelian.records.models import StopSearch
from peelian.records.schemas import StopSearchCreate
from peelian.records.service import stop_searches
from tests.fixtures.auth import auth_header, make_user, token_for

PURPOSE = "Monthly stop and search scrutiny"
SS = "/api/v1/stop-searches"


def _make(db_session: Session, **overrides: Any) -> StopSearch:
    values: dict[str, Any] = {
        "submission_id": uuid.uuid4(),
        "team": "Response A",
        "searched_at": datetime(2026, 11, 20, 22, 15, tzinfo=UTC),
        "location": "Market Place",
        "search_type": "person",
        "power": "mda_s23",
        "grounds": "Smelt strongly of cannabis and tried to hide a bag",
        "object_of_search": "drugs",
        "sde": "W1",
        "officer_id": "PC 1234",
        "outcome": "nfa",
        "injury": False,
        "bwv_used": True,
        "receipt": "given",
        "person_name": "Terry Searched",
    }
    values.update(overrides)
    return stop_searches.create_stop_search(
        db_session,
        actor=Actor.system("test"),
        stop_search_in=StopSearchCreate.model_validate(values),
    )


@pytest.fixture
def records(db_session: Session) -> list[StopSearch]:
    """Six searches by two officers over two months."""
    made = [
        _make(db_session),
        _make(db_session, sde="B1", outcome="arrest", outcome_linked=True),
        _make(db_session, sde="B1", outcome="nfa"),
        _make(db_session, sde="B1", outcome="arrest", outcome_linked=False, officer_id="PC 999"),
        _make(db_session, sde="A2", searched_at=datetime(2026, 10, 2, 9, 0, tzinfo=UTC)),
        _make(db_session, sde="W1", team="Response B", officer_id="PC 999"),
    ]
    db_session.commit()
    return made


@pytest.fixture
def sup(client: TestClient, db_session: Session) -> dict[str, str]:
    """A supervisor of Response A, with a purpose header."""
    return auth_header(token_for(client, make_user(db_session, Role.SUPERVISOR)), PURPOSE)


def _refs(body: dict[str, Any]) -> set[str]:
    return {i["reference"] for i in body["items"]}


class TestListStopSearches:
    def test_filters_by_officer_outcome_ethnicity_and_dates(
        self, client: TestClient, sup: dict[str, str], records: list[StopSearch]
    ) -> None:
        by_officer = client.get(f"{SS}?officer_id=PC%20999", headers=sup).json()
        assert _refs(by_officer) == {records[3].reference, records[5].reference}
        arrests_b1 = client.get(f"{SS}?outcome=arrest&sde=B1", headers=sup).json()
        assert _refs(arrests_b1) == {records[1].reference, records[3].reference}
        october = client.get(f"{SS}?date_from=2026-10-01&date_to=2026-10-31", headers=sup).json()
        assert _refs(october) == {records[4].reference}
        assert client.get(f"{SS}?team=Response%20B", headers=sup).json()["total"] == 1

    def test_the_list_carries_no_names(
        self, client: TestClient, sup: dict[str, str], records: list[StopSearch]
    ) -> None:
        body = client.get(SS, headers=sup).json()
        assert body["total"] == 6
        assert "person_name" not in body["items"][0]
        assert "Terry" not in str(body)

    def test_dates_the_wrong_way_round_are_refused(
        self, client: TestClient, sup: dict[str, str]
    ) -> None:
        res = client.get(f"{SS}?date_from=2026-11-02&date_to=2026-11-01", headers=sup)
        assert res.status_code == 422
        assert "date_to" in res.json()["detail"]

    def test_an_unknown_ethnicity_code_is_refused(
        self, client: TestClient, sup: dict[str, str]
    ) -> None:
        assert client.get(f"{SS}?sde=ZZ", headers=sup).status_code == 422

    def test_officers_may_not_monitor(self, client: TestClient, db_session: Session) -> None:
        officer = auth_header(token_for(client, make_user(db_session, Role.OFFICER)))
        assert client.get(SS, headers=officer).status_code == 403


class TestSummary:
    def test_counts_searches_arrests_and_finds_per_ethnicity(
        self, client: TestClient, sup: dict[str, str], records: list[StopSearch]
    ) -> None:
        rows = {r["sde"]: r for r in client.get(f"{SS}/summary", headers=sup).json()}
        assert set(rows) == {"W1", "A2", "B1"}
        b1 = rows["B1"]
        assert (b1["searches"], b1["arrests"], b1["no_further_action"], b1["outcome_linked"]) == (
            3,
            2,
            1,
            1,
        )
        assert b1["share_of_searches"] == 0.5
        assert b1["arrest_rate"] == pytest.approx(0.6667)
        assert b1["find_rate"] == pytest.approx(0.3333)
        assert rows["W1"]["label"] == "White – British"

    def test_uses_the_same_filters(
        self, client: TestClient, sup: dict[str, str], records: list[StopSearch]
    ) -> None:
        rows = client.get(f"{SS}/summary?officer_id=PC%20999", headers=sup).json()
        assert {r["sde"]: r["searches"] for r in rows} == {"W1": 1, "B1": 1}


class TestExport:
    def test_exports_the_supervisors_team_without_names(
        self, client: TestClient, sup: dict[str, str], records: list[StopSearch]
    ) -> None:
        res = client.get(f"{SS}/export.csv", headers=sup)
        assert res.status_code == 200
        lines = res.text.strip().splitlines()
        assert lines[0].startswith("reference,searched_at,location")
        assert len(lines) == 6  # header + the five of Response A
        assert "Terry" not in res.text

    def test_an_account_without_a_team_is_told_why(self, db_session: Session) -> None:
        with pytest.raises(InvalidInput, match="no team"):
            stop_searches.export_team_csv(db_session, actor=Actor.system("t"), team=None)


class TestReadStopSearch:
    def test_whole_record_needs_a_purpose_and_the_read_is_audited(
        self,
        client: TestClient,
        db_session: Session,
        sup: dict[str, str],
        records: list[StopSearch],
    ) -> None:
        url = f"{SS}/{records[1].id}"
        no_purpose = {k: v for k, v in sup.items() if k != "X-Peelian-Purpose"}
        assert client.get(url, headers=no_purpose).status_code == 400
        body = client.get(url, headers=sup).json()
        assert (body["person_name"], body["outcome_linked"]) == ("Terry Searched", True)
        assert body["grounds"].startswith("Smelt")
        purposes = db_session.scalars(
            select(AuditEvent.purpose).where(
                AuditEvent.record_type == "stop_search",
                AuditEvent.record_id == str(records[1].id),
                AuditEvent.action == "read",
            )
        ).all()
        assert purposes == [PURPOSE]

    def test_unknown_record_is_404(self, client: TestClient, sup: dict[str, str]) -> None:
        assert client.get(f"{SS}/{uuid.uuid4()}", headers=sup).status_code == 404


class TestCreateRules:
    def test_grounds_are_required_unless_the_power_needs_no_suspicion(self) -> None:
        with pytest.raises(ValueError, match="grounds"):
            StopSearchCreate.model_validate({**_base(), "grounds": None, "power": "pace_s1"})
        ok = StopSearchCreate.model_validate(
            {**_base(), "grounds": None, "power": "cjpoa_s60", "authorisation": "S60/1"}
        )
        assert ok.authorisation == "S60/1"

    def test_a_vehicle_search_needs_the_registration(self) -> None:
        with pytest.raises(ValueError, match="registration"):
            StopSearchCreate.model_validate({**_base(), "search_type": "vehicle"})


def _base() -> dict[str, Any]:
    return {
        "searched_at": datetime(2026, 11, 20, 22, 15, tzinfo=UTC),
        "location": "Market Place",
        "search_type": "person",
        "power": "mda_s23",
        "grounds": "Smelt strongly of cannabis and tried to hide a bag",
        "object_of_search": "drugs",
        "sde": "W1",
        "officer_id": "PC 1234",
        "outcome": "nfa",
        "injury": False,
        "bwv_used": True,
        "receipt": "given",
    }
