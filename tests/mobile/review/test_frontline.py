"""Frontline time: mobile captures per team and form against a configurable paper baseline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from tests.fixtures.auth import auth_header, make_user, token_for
from tests.fixtures.mobile import officer_device, publish_forms, submission


class TestFrontlineTime:
    def test_minutes_from_form_start_against_the_baseline(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session, team="Frontline T")
        now = datetime.now(UTC)
        ops = []
        for minutes in (4, 6, 8):
            payload = submission(started_at=(now - timedelta(minutes=minutes)).isoformat())
            payload["completed_at"] = now.isoformat()
            ops.append(dev.op("submission.create", payload))
        res = client.post("/api/v1/mobile/sync/push", json={"ops": ops}, headers=dev.headers)
        assert res.status_code == 200, res.text
        sup = make_user(db_session, Role.SUPERVISOR)
        headers = auth_header(token_for(client, sup))
        put = client.put(
            "/api/v1/mobile/frontline-time/baselines/stop_search",
            json={"minutes": 26, "source": "Force time-and-motion study 2025"},
            headers=headers,
        )
        assert put.status_code == 200, put.text
        rows = client.get("/api/v1/mobile/frontline-time", headers=headers).json()
        mine = next(r for r in rows if r["team"] == "Frontline T")
        assert mine["captured"] == 3
        assert mine["median_minutes"] == 6.0
        assert mine["baseline_minutes"] == 26
        assert mine["saved_minutes"] == 60.0
