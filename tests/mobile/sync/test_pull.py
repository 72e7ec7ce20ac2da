"""Pull: buckets in priority order, resumable by opaque cursor, outcomes and briefings arrive."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.core.audit import Actor
from peelian.mobile.review import service as review
from peelian.mobile.schemas import BriefingCreate
from tests.fixtures.mobile import officer_device, publish_forms

PULL = "/api/v1/mobile/sync/pull"


def _brief(db_session: Session, team: str, n: int) -> None:
    for i in range(n):
        review.create_briefing(
            db_session,
            actor=Actor.system("test"),
            briefing_in=BriefingCreate(team=team, title=f"B{i}", body="x"),
        )
    db_session.commit()


class TestPull:
    def test_team_briefings_come_before_forms(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session, team="Pull A")
        _brief(db_session, "Pull A", 3)
        _brief(db_session, "Someone else", 2)
        body = client.post(PULL, json={}, headers=dev.headers).json()
        kinds = [c["record_type"] for c in body["changes"]]
        assert kinds[:3] == ["briefing"] * 3
        assert kinds.count("briefing") == 3
        assert "form_version" in kinds
        assert body["complete"] is True
        assert body["buckets"][0] == "area:Pull A"

    def test_pull_resumes_mid_bucket_from_its_cursor(
        self, client: TestClient, db_session: Session
    ) -> None:
        dev = officer_device(db_session, team="Pull B")
        _brief(db_session, "Pull B", 5)
        first = client.post(PULL, json={"limit": 2}, headers=dev.headers).json()
        assert [c["data"]["title"] for c in first["changes"]] == ["B0", "B1"]
        assert first["complete"] is False
        second = client.post(
            PULL, json={"limit": 10, "cursors": first["cursors"]}, headers=dev.headers
        ).json()
        titles = [c["data"]["title"] for c in second["changes"] if c["record_type"] == "briefing"]
        assert titles == ["B2", "B3", "B4"]
        again = client.post(PULL, json={"cursors": second["cursors"]}, headers=dev.headers).json()
        assert again["changes"] == []

    def test_forged_cursor_is_refused(self, client: TestClient, db_session: Session) -> None:
        dev = officer_device(db_session, team="Pull C")
        res = client.post(
            PULL, json={"cursors": {"team:Pull C": "bm90LWEtY3Vyc29y"}}, headers=dev.headers
        )
        assert res.status_code == 422

    def test_supervisor_may_brief_but_officer_may_not(
        self, client: TestClient, db_session: Session
    ) -> None:
        officer = officer_device(db_session)
        sup = officer_device(db_session, Role.SUPERVISOR)
        body = {"team": "Response A", "title": "Watch for", "body": "Red van"}
        assert (
            client.post("/api/v1/mobile/briefings", json=body, headers=sup.headers).status_code
            == 201
        )
        assert (
            client.post("/api/v1/mobile/briefings", json=body, headers=officer.headers).status_code
            == 403
        )
