"""Incidents API: references, the status workflow, linked people, bad input, team export."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from tests.fixtures.auth import auth_header, make_user, token_for
from tests.fixtures.records import make_person

VALID: dict[str, Any] = {
    "category": "CRIME",
    "qualifiers": ["ALCOHOL", "NTE"],
    "grade": "priority",
    "occurred_from": "2026-11-28T22:00:00Z",
    "occurred_to": "2026-11-28T22:30:00Z",
    "address": "Briggate, Leeds",
    "latitude": 53.797,
    "longitude": -1.542,
    "beat": "LC01",
    "narrative": "Fight outside a bar.",
}


def _create(client: TestClient, headers: dict[str, str], **over: Any) -> dict[str, Any]:
    res = client.post("/api/v1/incidents", json={**VALID, **over}, headers=headers)
    assert res.status_code == 201, res.text
    body: dict[str, Any] = res.json()
    return body


def _move(client: TestClient, headers: dict[str, str], iid: str, status: str, **body: Any) -> Any:
    return client.post(f"/api/v1/incidents/{iid}/status", json={"status": status, **body},
                       headers=headers)  # fmt: skip


class TestCreateIncident:
    def test_reference_is_issued_in_sequence(
        self, client: TestClient, officer: dict[str, str]
    ) -> None:
        first = _create(client, officer)["reference"]
        second = _create(client, officer)["reference"]
        assert re.fullmatch(r"INC-\d{8}-\d{6}", first)
        assert int(second[-6:]) == int(first[-6:]) + 1
        assert _create(client, officer)["status"] == "open"

    def test_team_defaults_to_the_creators(
        self, client: TestClient, officer: dict[str, str]
    ) -> None:
        assert _create(client, officer)["team"] == "Response A"

    def test_links_people_with_roles(
        self, client: TestClient, db_session: Session, officer: dict[str, str]
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        body = _create(client, officer, people=[{"person_id": str(person.id), "role": "victim"}])
        assert body["people"] == [{"person_id": str(person.id), "role": "victim"}]

    @pytest.mark.parametrize(
        ("over", "field"),
        [({"category": "NOT-A-CODE"}, "/category"), ({"qualifiers": ["NOPE"]}, "/qualifiers"),
         ({"grade": "urgent"}, "/grade"), ({"latitude": 95}, "/latitude"),
         ({"occurred_from": "2026-11-28T23:00:00Z"}, "/"),
         ({"reported_at": "2999-01-01T00:00:00Z"}, "/"),
         ({"occurred_from": "2026-02-30T10:00:00Z"}, "/occurred_from"),
         ({"people": [{"person_id": "01000000-0000-7000-8000-000000000000", "role": "victim"}]},
          "/people/0/person_id"),
         ({"people": [{"person_id": "01000000-0000-7000-8000-000000000000", "role": "pal"}]},
          "/people/0/role")],
    )  # fmt: skip
    def test_bad_input_names_the_field(
        self, client: TestClient, officer: dict[str, str], over: dict[str, Any], field: str
    ) -> None:
        res = client.post("/api/v1/incidents", json={**VALID, **over}, headers=officer)
        assert res.status_code == 422, res.text
        assert res.json()["errors"][0]["field"] == field


class TestChangeStatus:
    @pytest.mark.parametrize(
        ("path", "final"),
        [(["allocated", "in_progress", "closed"], "closed"),
         (["allocated", "open", "closed"], "closed"),
         (["closed"], "closed")],
    )  # fmt: skip
    def test_valid_paths(
        self, client: TestClient, officer: dict[str, str], path: list[str], final: str
    ) -> None:
        iid = _create(client, officer)["id"]
        for status in path:
            res = _move(client, officer, iid, status)
            assert res.status_code == 200, res.text
        assert res.json()["status"] == final

    @pytest.mark.parametrize(
        ("path", "refused"),
        [([], "in_progress"), ([], "recorded_as_crime"), (["closed"], "open"),
         (["allocated", "in_progress"], "open"), ([], "open")],
    )  # fmt: skip
    def test_invalid_transitions_are_refused(
        self, client: TestClient, officer: dict[str, str], path: list[str], refused: str
    ) -> None:
        iid = _create(client, officer)["id"]
        for status in path:
            assert _move(client, officer, iid, status).status_code == 200
        res = _move(client, officer, iid, refused)
        assert res.status_code == 422
        assert res.json()["errors"][0]["field"] == "/status"
        read = client.get(f"/api/v1/incidents/{iid}", headers=officer).json()
        assert read["status"] == (path[-1] if path else "open")

    def test_recording_as_crime_needs_a_crime_number(
        self, client: TestClient, officer: dict[str, str]
    ) -> None:
        iid = _create(client, officer)["id"]
        _move(client, officer, iid, "allocated")
        _move(client, officer, iid, "in_progress")
        missing = _move(client, officer, iid, "recorded_as_crime")
        assert missing.json()["errors"][0]["field"] == "/crime_number"
        done = _move(client, officer, iid, "recorded_as_crime", crime_number="13/12345/26")
        assert (done.json()["status"], done.json()["crime_number"]) == (
            "recorded_as_crime",
            "13/12345/26",
        )

    def test_final_incident_cannot_be_edited(
        self, client: TestClient, officer: dict[str, str]
    ) -> None:
        iid = _create(client, officer)["id"]
        _move(client, officer, iid, "closed")
        res = client.patch(f"/api/v1/incidents/{iid}", json={"narrative": "x"}, headers=officer)
        assert res.status_code == 409


class TestLinkPerson:
    def test_same_role_twice_is_a_conflict(
        self, client: TestClient, db_session: Session, officer: dict[str, str]
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        iid = _create(client, officer)["id"]
        link = {"person_id": str(person.id), "role": "witness"}
        ok = client.post(f"/api/v1/incidents/{iid}/people", json=link, headers=officer)
        assert ok.status_code == 201
        again = client.post(f"/api/v1/incidents/{iid}/people", json=link, headers=officer)
        assert again.status_code == 409


class TestExportTeam:
    def test_supervisor_gets_only_their_own_team(
        self, client: TestClient, db_session: Session
    ) -> None:
        own = auth_header(token_for(client, make_user(db_session, Role.OFFICER, team="Response A")))
        other = auth_header(
            token_for(client, make_user(db_session, Role.OFFICER, team="Response B"))
        )
        mine = _create(client, own)["reference"]
        theirs = _create(client, other)["reference"]
        supervisor = make_user(db_session, Role.SUPERVISOR, team="Response A")
        res = client.get("/api/v1/incidents/export.csv",
                         headers=auth_header(token_for(client, supervisor)))  # fmt: skip
        assert res.status_code == 200
        assert res.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(res.text)))
        references = {r["reference"] for r in rows}
        assert mine in references
        assert theirs not in references
        assert {r["team"] for r in rows} == {"Response A"}
        assert "narrative" not in rows[0]

    def test_officer_may_not_export(self, client: TestClient, officer: dict[str, str]) -> None:
        assert client.get("/api/v1/incidents/export.csv", headers=officer).status_code == 403

    def test_supervisor_without_team_gets_a_clear_error(
        self, client: TestClient, db_session: Session
    ) -> None:
        supervisor = make_user(db_session, Role.SUPERVISOR, team=None)
        res = client.get("/api/v1/incidents/export.csv",
                         headers=auth_header(token_for(client, supervisor)))  # fmt: skip
        assert res.status_code == 422
