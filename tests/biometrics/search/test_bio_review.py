"""AMBER possible match → examiner → officer's device; expiry drops the probe."""

from __future__ import annotations

import time
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET
from tests.fixtures.auth import auth_header, make_user, token_for
from tests.fixtures.biometrics_search import Population, search_body, template_fingers
from tests.fixtures.mobile import OfficerDevice, officer_device

from peelian.auth.models import Role
from peelian.biometrics.service.probe_cache import ProbeCache, ProbeFinger, probe_cache_for
from peelian.config import Settings, load_settings
from peelian.web.state import AppState

SEARCHES = "/api/v1/biometrics/searches"
REVIEWS = "/api/v1/biometrics/reviews"
Headers = dict[str, str]


def _possible(client: TestClient, dev: OfficerDevice, population: Population) -> dict[str, object]:
    probe = population.possible(population.red)
    res = client.post(SEARCHES, json=search_body(template_fingers([probe])), headers=dev.headers)
    assert res.status_code == 200, res.text
    body: dict[str, object] = res.json()
    assert body["outcome"] == "AMBER"
    return body


@pytest.fixture
def examiner(client: TestClient, db_session: Session) -> dict[str, str]:
    return auth_header(token_for(client, make_user(db_session, Role.FINGERPRINT_EXAMINER)))


class TestRoundTrip:
    def test_a_confirmed_possible_match_reaches_the_device_as_identified(
        self,
        client: TestClient,
        db_session: Session,
        population: Population,
        examiner: Headers,
        app_state: AppState,
    ) -> None:
        dev = officer_device(db_session)
        made = _possible(client, dev, population)
        review_id = made["review"]["id"]  # type: ignore[index]
        queue = client.get(REVIEWS, headers=examiner).json()
        item = next(r for r in queue if r["id"] == review_id)
        assert item["probe_available"] is True
        assert item["candidate_person_id"] == str(population.red.person_id)
        res = client.post(
            f"{REVIEWS}/{review_id}/decision", json={"decision": "confirm"}, headers=examiner
        )
        assert res.status_code == 200, res.text
        assert res.json()["status"] == "confirmed"
        assert res.json()["probe_available"] is False
        assert len(probe_cache_for(app_state)) == 0
        now = client.get(f"{SEARCHES}/{made['search_id']}", headers=dev.headers).json()
        assert (now["outcome"], now["identified"]) == ("RED", True)
        assert now["person"]["id"] == str(population.red.person_id)
        assert now["review"]["status"] == "confirmed"
        assert now["reasons"][0] == "Identity confirmed by a fingerprint examiner"
        assert "candidates" not in now

    def test_a_rejected_possible_match_reaches_the_device_as_no_trace(
        self,
        client: TestClient,
        db_session: Session,
        population: Population,
        examiner: Headers,
    ) -> None:
        dev = officer_device(db_session)
        made = _possible(client, dev, population)
        review_id = made["review"]["id"]  # type: ignore[index]
        client.post(
            f"{REVIEWS}/{review_id}/decision", json={"decision": "reject"}, headers=examiner
        )
        now = client.get(f"{SEARCHES}/{made['search_id']}", headers=dev.headers).json()
        assert (now["outcome"], now["identified"], now["person"]) == ("GREEN", False, None)
        assert now["review"]["status"] == "rejected"

    def test_a_decided_review_cannot_be_decided_again(
        self,
        client: TestClient,
        db_session: Session,
        population: Population,
        examiner: Headers,
    ) -> None:
        dev = officer_device(db_session)
        review_id = _possible(client, dev, population)["review"]["id"]  # type: ignore[index]
        url = f"{REVIEWS}/{review_id}/decision"
        client.post(url, json={"decision": "reject"}, headers=examiner)
        again = client.post(url, json={"decision": "confirm"}, headers=examiner)
        assert again.status_code == 409

    def test_an_officer_may_not_decide(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        review_id = _possible(client, dev, population)["review"]["id"]  # type: ignore[index]
        res = client.post(
            f"{REVIEWS}/{review_id}/decision", json={"decision": "confirm"}, headers=dev.headers
        )
        assert res.status_code == 403


class TestExpiry:
    @pytest.fixture
    def settings(self, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
        return load_settings(
            secret_key=TEST_SECRET, env="test", var_dir=tmp_path / "var",
            max_body_bytes=1_048_576, bio_review_ttl_s=0.5,
        )  # fmt: skip

    def test_an_expired_review_drops_the_probe_and_the_device_is_told(
        self,
        client: TestClient,
        db_session: Session,
        population: Population,
        examiner: Headers,
        app_state: AppState,
    ) -> None:
        dev = officer_device(db_session)
        made = _possible(client, dev, population)
        review_id = made["review"]["id"]  # type: ignore[index]
        time.sleep(0.8)
        assert len(probe_cache_for(app_state)) == 0
        now = client.get(f"{SEARCHES}/{made['search_id']}", headers=dev.headers).json()
        assert now["review"]["status"] == "expired"
        assert (now["outcome"], now["identified"]) == ("AMBER", False)
        assert "expired" in now["reasons"][0]
        res = client.post(
            f"{REVIEWS}/{review_id}/decision", json={"decision": "confirm"}, headers=examiner
        )
        assert res.status_code == 409
        assert "probe was discarded" in res.json()["detail"]
        assert client.get(REVIEWS, headers=examiner).json() == []


class TestProbeCache:
    def test_entries_expire_and_are_zeroed(self, population: Population) -> None:
        now = [0.0]
        cache = ProbeCache(clock=lambda: now[0])
        probe = population.red.probe(1)[0]
        finger = ProbeFinger(2, probe, None)
        cache.put(uuid.UUID(int=1), (finger,), ttl_s=10)
        assert cache.get(uuid.UUID(int=1)) == (finger,)
        now[0] = 11.0
        assert cache.get(uuid.UUID(int=1)) is None
        assert not probe.x.any()
        assert not probe.y.any()
        cache.clear()
