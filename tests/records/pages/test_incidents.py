"""Incident pages: list, open, status workflow and the team export."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.records.codes import IncidentStatus
from peelian.records.models import Incident
from tests.records.pages.test_people import HTML, sign_in


def _open(client: TestClient, csrf: str) -> None:
    form = {"csrf_token": csrf, "category": "ASB-NUISANCE", "grade": "scheduled",
            "qualifiers": ["YOUTH", "ALCOHOL"], "address": "Park",
            "narrative": "Noise"}  # fmt: skip
    res = client.post("/incidents/new", data=form, headers=HTML, follow_redirects=False)
    assert res.status_code == 303, res.text


class TestCreateIncidentPage:
    def test_opens_an_incident_with_qualifiers(
        self, client: TestClient, db_session: Session
    ) -> None:
        _open(client, sign_in(client, db_session, Role.OFFICER))
        incident = db_session.scalars(select(Incident)).one()
        assert incident.qualifiers == ["ALCOHOL", "YOUTH"]

    def test_bad_input_shows_the_error_summary(
        self, client: TestClient, db_session: Session
    ) -> None:
        csrf = sign_in(client, db_session, Role.OFFICER)
        res = client.post("/incidents/new", data={"csrf_token": csrf, "category": "NOPE"},
                          headers=HTML)  # fmt: skip
        assert res.status_code == 400
        assert 'href="#category"' in res.text
        assert 'href="#grade"' in res.text


class TestChangeStatusPage:
    def test_moves_and_refuses_invalid_moves(self, client: TestClient, db_session: Session) -> None:
        csrf = sign_in(client, db_session, Role.OFFICER)
        _open(client, csrf)
        incident = db_session.scalars(select(Incident)).one()
        url = f"/incidents/{incident.id}/status"
        bad = client.post(url, data={"csrf_token": csrf, "status": "in_progress"}, headers=HTML)
        assert bad.status_code == 400
        assert "cannot go from open to in_progress" in bad.text
        ok = client.post(url, data={"csrf_token": csrf, "status": "allocated"}, headers=HTML,
                         follow_redirects=False)  # fmt: skip
        assert ok.status_code == 303
        db_session.expire_all()
        assert db_session.get(Incident, incident.id).status is IncidentStatus.ALLOCATED  # type: ignore[union-attr]


class TestListAndExportPages:
    def test_list_and_csv_export_for_a_supervisor(
        self, client: TestClient, db_session: Session
    ) -> None:
        _open(client, sign_in(client, db_session, Role.SUPERVISOR))
        listing = client.get("/incidents", headers=HTML)
        assert "INC-" in listing.text
        export = client.get("/incidents/export.csv", headers=HTML)
        assert export.status_code == 200
        assert export.text.splitlines()[0].startswith("reference,category")
        assert len(export.text.splitlines()) == 2

    def test_unknown_status_filter_is_an_error(
        self, client: TestClient, db_session: Session
    ) -> None:
        sign_in(client, db_session, Role.OFFICER)
        res = client.get("/incidents", params={"status": "lost"}, headers=HTML)
        assert res.status_code == 400


class TestEditIncidentPage:
    def test_saves_and_refuses_bad_grade(self, client: TestClient, db_session: Session) -> None:
        csrf = sign_in(client, db_session, Role.OFFICER)
        _open(client, csrf)
        incident = db_session.scalars(select(Incident)).one()
        url = f"/incidents/{incident.id}/edit"
        bad = client.post(url, data={"csrf_token": csrf, "grade": "urgent"}, headers=HTML)
        assert bad.status_code == 400
        assert 'href="#grade"' in bad.text
        ok = client.post(url, data={"csrf_token": csrf, "grade": "immediate", "narrative": "Now"},
                         headers=HTML, follow_redirects=False)  # fmt: skip
        assert ok.status_code == 303
        db_session.expire_all()
        assert db_session.get(Incident, incident.id).narrative == "Now"  # type: ignore[union-attr]
