"""Missing-person report and vehicle stop pages: lists without names, whole records behind a
stated purpose, every read audited, bad filters shown in an error summary."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.core.audit import AuditEvent
from tests.records.pages.test_people import HTML, sign_in
from tests.records.routes.test_reports import _report, _stop

PURPOSE = "Missing person enquiry review"


def _events(db_session: Session, record_type: str, action: str) -> list[AuditEvent]:
    db_session.expire_all()
    stmt = select(AuditEvent).where(
        AuditEvent.record_type == record_type, AuditEvent.action == action
    )
    return list(db_session.scalars(stmt.order_by(AuditEvent.seq)))


class TestMissingReportListPage:
    def test_lists_reports_by_grade_without_names_and_audits_the_search(
        self, client: TestClient, db_session: Session
    ) -> None:
        high = _report(db_session, risk_grade="high")
        low = _report(db_session, person_name="Lee Other", risk_grade="low")
        sign_in(client, db_session, Role.OFFICER)
        res = client.get("/missing-reports", params={"risk_grade": "high"}, headers=HTML)
        assert res.status_code == 200
        assert high.reference in res.text
        assert low.reference not in res.text
        assert "Kit" not in res.text
        assert "Walker" not in res.text
        [search] = _events(db_session, "missing_person_report", "search")
        assert search.detail["risk_grade"] == "high"

    def test_an_unknown_grade_shows_the_error_summary(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.OFFICER)
        res = client.get("/missing-reports", params={"risk_grade": "absent"}, headers=HTML)
        assert res.status_code == 400
        assert "govuk-error-summary" in res.text
        assert 'href="#risk_grade"' in res.text
        assert _events(db_session, "missing_person_report", "search") == []

    def test_is_refused_to_a_role_without_people_access(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.AUDITOR)
        assert client.get("/missing-reports", headers=HTML).status_code == 403


class TestMissingReportPage:
    def test_asks_for_a_purpose_first(self, client: TestClient, db_session: Session) -> None:
        report = _report(db_session)
        sign_in(client, db_session, Role.OFFICER)
        res = client.get(f"/missing-reports/{report.id}", headers=HTML)
        assert "Why do you need this record?" in res.text
        assert "Kit Walker" not in res.text
        short = client.get(f"/missing-reports/{report.id}?purpose=why", headers=HTML)
        assert short.status_code == 400
        assert 'href="#purpose"' in short.text
        assert _events(db_session, "missing_person_report", "read") == []

    def test_shows_the_report_linked_to_the_person_and_audits_it(
        self, client: TestClient, db_session: Session
    ) -> None:
        report = _report(db_session, description="Tall, green jacket")
        sign_in(client, db_session, Role.OFFICER)
        res = client.get(f"/missing-reports/{report.id}", params={"purpose": PURPOSE},
                         headers=HTML)  # fmt: skip
        assert res.status_code == 200
        assert "Kit Walker" in res.text
        assert "Medium" in res.text
        assert "Riverside path" in res.text
        assert "Tall, green jacket" in res.text
        assert "Depression" in res.text
        obtained = datetime.fromisoformat(report.risks[0]["obtained_at"]).astimezone(UTC)
        assert obtained.strftime("%Y-%m-%d %H:%M") in res.text
        assert f'href="/people/{report.person_id}?purpose=' in res.text
        [read] = _events(db_session, "missing_person_report", "read")
        assert (read.record_id, read.purpose) == (str(report.id), PURPOSE)

    def test_a_purpose_too_long_shows_the_error_summary(
        self, client: TestClient, db_session: Session
    ) -> None:
        report = _report(db_session)
        sign_in(client, db_session, Role.OFFICER)
        res = client.get(f"/missing-reports/{report.id}", params={"purpose": "x" * 501},
                         headers=HTML)  # fmt: skip
        assert res.status_code == 400
        assert 'href="#purpose"' in res.text
        assert "Kit Walker" not in res.text

    def test_is_refused_to_a_role_without_people_access(
        self, client: TestClient, db_session: Session
    ) -> None:
        report = _report(db_session)
        sign_in(client, db_session, Role.AUDITOR)
        res = client.get(f"/missing-reports/{report.id}", params={"purpose": PURPOSE},
                         headers=HTML)  # fmt: skip
        assert res.status_code == 403
        assert _events(db_session, "missing_person_report", "read") == []


class TestVehicleStopListPage:
    def test_lists_stops_by_registration_without_the_driver(
        self, client: TestClient, db_session: Session
    ) -> None:
        stop = _stop(db_session)
        other = _stop(db_session, vrm="ZZ11 ZZZ")
        sign_in(client, db_session, Role.AUDITOR)
        res = client.get("/vehicle-stops", params={"vrm": "xy65  abc"}, headers=HTML)
        assert res.status_code == 200
        assert stop.reference in res.text
        assert other.reference not in res.text
        assert "Dee Driver" not in res.text
        [search] = _events(db_session, "vehicle_stop", "search")
        assert search.detail == {"vrm_given": True, "returned": 1}

    def test_filters_by_outcome(self, client: TestClient, db_session: Session) -> None:
        advice = _stop(db_session)
        seized = _stop(db_session, outcome="seized")
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get("/vehicle-stops", params={"outcome": "seized"}, headers=HTML)
        assert seized.reference in res.text
        assert advice.reference not in res.text

    def test_bad_filters_show_the_error_summary(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get("/vehicle-stops", params={"vrm": "<script>", "outcome": "jail",
                                                   "page": "0"}, headers=HTML)  # fmt: skip
        assert res.status_code == 400
        for field in ("vrm", "outcome", "page"):
            assert f'href="#{field}"' in res.text
        assert "<script>" not in res.text
        assert _events(db_session, "vehicle_stop", "search") == []

    def test_is_refused_to_a_role_without_powers_access(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.OFFICER)
        assert client.get("/vehicle-stops", headers=HTML).status_code == 403


class TestVehicleStopPage:
    def test_asks_for_a_purpose_first(self, client: TestClient, db_session: Session) -> None:
        stop = _stop(db_session)
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get(f"/vehicle-stops/{stop.id}", headers=HTML)
        assert "Why do you need this record?" in res.text
        assert "Dee Driver" not in res.text
        assert _events(db_session, "vehicle_stop", "read") == []

    def test_shows_the_stop_once_a_purpose_is_given_and_audits_it(
        self, client: TestClient, db_session: Session
    ) -> None:
        stop = _stop(db_session, outcome="fpn", outcome_reference="FPN123456")
        sign_in(client, db_session, Role.SUPERVISOR)
        res = client.get(f"/vehicle-stops/{stop.id}", params={"purpose": PURPOSE}, headers=HTML)
        assert res.status_code == 200
        assert "Dee Driver" in res.text
        assert "XY65 ABC" in res.text
        assert "ANPR hit" in res.text
        assert "Fixed penalty notice" in res.text
        assert "FPN123456" in res.text
        [read] = _events(db_session, "vehicle_stop", "read")
        assert (read.record_id, read.purpose) == (str(stop.id), PURPOSE)

    def test_is_refused_to_a_role_without_powers_access(
        self, client: TestClient, db_session: Session
    ) -> None:
        stop = _stop(db_session)
        sign_in(client, db_session, Role.OFFICER)
        res = client.get(f"/vehicle-stops/{stop.id}", params={"purpose": PURPOSE}, headers=HTML)
        assert res.status_code == 403
