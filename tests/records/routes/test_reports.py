"""Missing-person report and vehicle-stop API: lists without names, reads with a purpose."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.core.audit import Actor
from peelian.records.models import MissingPersonReport, VehicleStop
from peelian.records.schemas import MissingReportCreate, VehicleStopCreate
from peelian.records.service import missing, vehicle_stops
from tests.fixtures.auth import auth_header, make_user, token_for

PURPOSE = "Missing person enquiry MPR review"


def _report(db_session: Session, **overrides: Any) -> MissingPersonReport:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "submission_id": uuid.uuid4(),
        "person_name": "Kit Walker",
        "last_seen_at": now - timedelta(hours=3),
        "last_seen_location": "Riverside path",
        "reported_by": "Partner",
        "risk_grade": "medium",
        "risks": [
            {
                "item": "illness",
                "value": "yes",
                "details": "Depression",
                "source": "Partner",
                "obtained_at": now - timedelta(hours=1),
            },
        ],
    }
    values.update(overrides)
    return missing.create_missing_report(
        db_session, actor=Actor.system("t"), report_in=MissingReportCreate.model_validate(values)
    )


def _stop(db_session: Session, **overrides: Any) -> VehicleStop:
    values: dict[str, Any] = {
        "submission_id": uuid.uuid4(),
        "vrm": "XY65 ABC",
        "stopped_at": datetime.now(UTC) - timedelta(hours=1),
        "location": "Ring road",
        "reason": "anpr",
        "driver_name": "Dee Driver",
        "outcome": "advice",
    }
    values.update(overrides)
    return vehicle_stops.create_vehicle_stop(
        db_session,
        actor=Actor.system("t"),
        vehicle_stop_in=VehicleStopCreate.model_validate(values),
    )


class TestMissingReports:
    def test_officers_list_reports_by_grade_without_names(
        self, client: TestClient, db_session: Session
    ) -> None:
        high = _report(db_session, risk_grade="high")
        _report(db_session, person_name="Lee Other")
        officer = auth_header(token_for(client, make_user(db_session, Role.OFFICER)), PURPOSE)
        body = client.get("/api/v1/missing-reports?risk_grade=high", headers=officer).json()
        assert [i["reference"] for i in body["items"]] == [high.reference]
        assert "Kit" not in str(body)
        whole = client.get(f"/api/v1/missing-reports/{high.id}", headers=officer).json()
        assert (whole["reported_name"], whole["risks"][0]["source"]) == ("Kit Walker", "Partner")

    def test_an_unknown_grade_is_refused(self, client: TestClient, db_session: Session) -> None:
        officer = auth_header(token_for(client, make_user(db_session, Role.OFFICER)))
        res = client.get("/api/v1/missing-reports?risk_grade=absent", headers=officer)
        assert res.status_code == 422
        assert res.json()["errors"][0]["field"] == "/risk_grade"

    def test_a_report_links_an_existing_person_by_id(self, db_session: Session) -> None:
        first = _report(db_session)
        second = _report(db_session, person_id=first.person_id, person_name="Kit Walker")
        assert second.person_id == first.person_id
        assert second.flag_id != first.flag_id


class TestVehicleStops:
    def test_list_by_registration_and_read_with_purpose(
        self, client: TestClient, db_session: Session
    ) -> None:
        stop = _stop(db_session)
        _stop(db_session, vrm="ZZ11 ZZZ")
        sup = auth_header(token_for(client, make_user(db_session, Role.SUPERVISOR)), PURPOSE)
        body = client.get("/api/v1/vehicle-stops?vrm=XY65%20ABC", headers=sup).json()
        assert [i["reference"] for i in body["items"]] == [stop.reference]
        whole = client.get(f"/api/v1/vehicle-stops/{stop.id}", headers=sup).json()
        assert whole["driver_name"] == "Dee Driver"
        no_purpose = {k: v for k, v in sup.items() if k != "X-Peelian-Purpose"}
        assert client.get(f"/api/v1/vehicle-stops/{stop.id}", headers=no_purpose).status_code == 400

    def test_a_ticket_needs_its_reference(self) -> None:
        with pytest.raises(ValueError, match="reference"):
            VehicleStopCreate.model_validate(
                {
                    "vrm": "XY65 ABC",
                    "stopped_at": datetime.now(UTC),
                    "location": "Ring road",
                    "reason": "check",
                    "outcome": "fpn",
                }
            )
