"""Officer search page and examiner review pages (GOV.UK, in-memory uploads, CSRF)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET
from tests.fixtures.auth import make_user
from tests.fixtures.biometrics_search import (
    Population,
    ScanPair,
    noise_png,
    search_body,
    template_fingers,
)
from tests.fixtures.mobile import officer_device

from peelian.auth.dependencies import SESSION_COOKIE, csrf_token_for
from peelian.auth.models import Role
from peelian.biometrics import engine
from peelian.biometrics.gallery import EnrolmentKey
from peelian.biometrics.service.gallery import gallery_for
from peelian.config import Settings, load_settings

HTML = {"accept": "text/html"}


def sign_in(client: TestClient, db_session: Session, role: Role) -> str:
    """Sign in through the login page; return the CSRF token for forms."""
    made = make_user(db_session, role)
    form = {"username": made.user.username, "password": made.password, "totp": made.code() or ""}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    return csrf_token_for(b"k" * 32, client.cookies[SESSION_COOKIE])


def _form(csrf: str, **extra: str) -> dict[str, str]:
    data = {"csrf_token": csrf, "position_1": "3", "position_2": "7", "power": "pace-s61-6a",
            "reason": "name-doubted", "offence": "Shoplifting"}  # fmt: skip
    data.update(extra)
    return data


class TestOfficerPage:
    def test_the_form_is_shown(self, client: TestClient, db_session: Session) -> None:
        sign_in(client, db_session, Role.OFFICER)
        res = client.get("/biometrics/search", headers=HTML)
        assert res.status_code == 200
        assert 'enctype="multipart/form-data"' in res.text

    def test_an_uploaded_scan_of_a_wanted_person_shows_red_with_their_name(
        self, client: TestClient, db_session: Session, population: Population, scan_pair: ScanPair
    ) -> None:
        enrolled = engine.extract(scan_pair.enrol_png, finger_position=3)
        gallery_for(population.state).index.add(EnrolmentKey(population.red.person_id, 3), enrolled)
        csrf = sign_in(client, db_session, Role.OFFICER)
        files = {"scan_1": ("scan.png", scan_pair.probe_png, "image/png")}
        res = client.post("/biometrics/search", data=_form(csrf), files=files, headers=HTML)
        assert res.status_code == 200, res.text
        assert 'data-outcome="RED"' in res.text
        assert "Wanda WANTED" in res.text
        assert "Wanted: Burglary" in res.text

    def test_officer_safety_warnings_come_before_the_headline(
        self, client: TestClient, db_session: Session, population: Population, scan_pair: ScanPair
    ) -> None:
        enrolled = engine.extract(scan_pair.enrol_png, finger_position=3)
        gallery_for(population.state).index.add(
            EnrolmentKey(population.amber.person_id, 3), enrolled
        )
        csrf = sign_in(client, db_session, Role.OFFICER)
        files = {"scan_1": ("scan.png", scan_pair.probe_png, "image/png")}
        res = client.post("/biometrics/search", data=_form(csrf), files=files, headers=HTML)
        assert 'data-outcome="AMBER"' in res.text
        assert res.text.index("Officer safety: Warning: Weapons") < res.text.index("data-outcome")

    def test_no_scan_and_no_reason_show_the_error_summary(
        self, client: TestClient, db_session: Session
    ) -> None:
        csrf = sign_in(client, db_session, Role.OFFICER)
        data = _form(csrf, reason="", offence="")
        res = client.post(
            "/biometrics/search", data=data, files={"x": ("", b"", "text/plain")}, headers=HTML
        )
        assert res.status_code == 400
        assert "There is a problem" in res.text
        assert 'href="#scan_1"' in res.text
        assert "Choose the reason for taking fingerprints" in res.text
        assert "Enter the offence you suspect" in res.text

    def test_a_scan_that_is_not_a_fingerprint_is_named_in_the_summary(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        csrf = sign_in(client, db_session, Role.OFFICER)
        files = {"scan_1": ("noise.png", noise_png(), "image/png")}
        res = client.post("/biometrics/search", data=_form(csrf), files=files, headers=HTML)
        assert res.status_code == 400
        assert "Scan 1: is not a usable fingerprint" in res.text

    def test_a_post_without_the_csrf_token_is_refused(
        self, client: TestClient, db_session: Session, scan_pair: ScanPair
    ) -> None:
        sign_in(client, db_session, Role.OFFICER)
        files = {"scan_1": ("scan.png", scan_pair.probe_png, "image/png")}
        res = client.post("/biometrics/search", data=_form("wrong"), files=files, headers=HTML)
        assert res.status_code == 403


class TestExaminerPages:
    def test_queue_review_comparison_and_confirm(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        probe = population.possible(population.red)
        made = client.post(
            "/api/v1/biometrics/searches",
            json=search_body(template_fingers([probe])),
            headers=dev.headers,
        ).json()
        review_id = made["review"]["id"]
        csrf = sign_in(client, db_session, Role.FINGERPRINT_EXAMINER)
        queue = client.get("/biometrics/reviews", headers=HTML)
        assert f"/biometrics/reviews/{review_id}" in queue.text
        page = client.get(f"/biometrics/reviews/{review_id}", headers=HTML)
        assert f"/biometrics/reviews/{review_id}/fingers/2.png" in page.text
        png = client.get(f"/biometrics/reviews/{review_id}/fingers/2.png")
        assert png.status_code == 200
        assert png.headers["content-type"] == "image/png"
        assert png.content.startswith(b"\x89PNG")
        done = client.post(
            f"/biometrics/reviews/{review_id}/decision",
            data={"csrf_token": csrf, "decision": "confirm"},
            headers=HTML,
            follow_redirects=False,
        )
        assert done.status_code == 303
        after = client.get(f"/biometrics/reviews/{review_id}", headers=HTML)
        assert "Decided: confirmed" in after.text
        assert client.get(f"/biometrics/reviews/{review_id}/fingers/2.png").status_code == 404
        device = client.get(f"/api/v1/biometrics/searches/{made['search_id']}", headers=dev.headers)
        assert device.json()["outcome"] == "RED"

    def test_a_decision_needs_a_choice(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        probe = population.possible(population.green)
        made = client.post(
            "/api/v1/biometrics/searches",
            json=search_body(template_fingers([probe])),
            headers=dev.headers,
        ).json()
        csrf = sign_in(client, db_session, Role.FINGERPRINT_EXAMINER)
        res = client.post(
            f"/biometrics/reviews/{made['review']['id']}/decision",
            data={"csrf_token": csrf},
            headers=HTML,
        )
        assert res.status_code == 400
        assert "Choose confirm or reject" in res.text


class TestResultPolling:
    def test_the_result_fragment_polls_while_the_examiner_reviews(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        probe = population.possible(population.amber)
        made = client.post(
            "/api/v1/biometrics/searches",
            json=search_body(template_fingers([probe])),
            headers=dev.headers,
        ).json()
        assert made["review"]["status"] == "pending"
        sign_in(client, db_session, Role.FINGERPRINT_EXAMINER)
        res = client.get(f"/biometrics/searches/{made['search_id']}", headers=HTML)
        assert res.status_code == 200
        assert f'hx-get="/biometrics/searches/{made["search_id"]}"' in res.text
        assert "Possible match" in res.text


class TestExpiredReviewPage:
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return load_settings(
            secret_key=TEST_SECRET, env="test", var_dir=tmp_path / "var",
            max_body_bytes=1_048_576, bio_review_ttl_s=0.3,
        )  # fmt: skip

    def test_an_expired_review_says_the_probe_was_discarded(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        probe = population.possible(population.red)
        made = client.post(
            "/api/v1/biometrics/searches",
            json=search_body(template_fingers([probe])),
            headers=dev.headers,
        ).json()
        time.sleep(0.5)
        sign_in(client, db_session, Role.FINGERPRINT_EXAMINER)
        page = client.get(f"/biometrics/reviews/{made['review']['id']}", headers=HTML)
        assert "expired — probe discarded" in page.text
        assert 'data-status="expired"' in page.text
        png = client.get(f"/biometrics/reviews/{made['review']['id']}/fingers/2.png")
        assert png.status_code == 404
