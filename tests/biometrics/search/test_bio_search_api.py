"""POST/GET /api/v1/biometrics/searches: outcomes, who may search and see what, bad input."""

from __future__ import annotations

import base64
import json
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.fixtures.auth import auth_header, make_user, token_for
from tests.fixtures.biometrics_search import (
    Population,
    ScanPair,
    noise_png,
    search_body,
    template_fingers,
)
from tests.fixtures.mobile import officer_device

from peelian.auth.models import Role
from peelian.biometrics.models.search import BioSearch
from peelian.core.audit.models import AuditEvent

URL = "/api/v1/biometrics/searches"


def _searches(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(BioSearch)) or 0)


class TestOutcomes:
    def test_a_wanted_person_is_red_with_identity_and_no_candidates_for_officers(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        res = client.post(
            URL, json=search_body(template_fingers(population.red.probe(1))), headers=dev.headers
        )
        assert res.status_code == 200, res.text
        body = res.json()
        assert body["outcome"] == "RED"
        assert body["identified"] is True
        assert body["person"]["id"] == str(population.red.person_id)
        assert body["person"]["name"] == "Wanda WANTED"
        assert any("Wanted: Burglary" in r for r in body["reasons"])
        assert body["review"] is None
        assert "candidates" not in body
        assert isinstance(body["elapsed_ms"], int)

    def test_a_person_with_a_weapons_marker_is_amber_with_the_safety_warning_first(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        res = client.post(
            URL, json=search_body(template_fingers(population.amber.probe(2))), headers=dev.headers
        )
        body = res.json()
        assert body["outcome"] == "AMBER"
        assert body["identified"] is True
        assert body["warnings"] == ["Warning: Weapons"]
        assert body["review"] is None

    def test_a_person_with_nothing_current_is_green_with_identity(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        res = client.post(
            URL, json=search_body(template_fingers(population.green.probe(3))), headers=dev.headers
        )
        body = res.json()
        assert (body["outcome"], body["identified"]) == ("GREEN", True)
        assert body["person"]["name"] == "Gary GREEN"

    def test_someone_not_enrolled_is_green_no_trace(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        res = client.post(
            URL, json=search_body(template_fingers(population.outsider(4))), headers=dev.headers
        )
        body = res.json()
        assert (body["outcome"], body["identified"], body["person"]) == ("GREEN", False, None)
        assert body["reasons"] == ["No trace: no enrolled fingerprints match"]

    def test_a_possible_match_is_amber_and_goes_to_an_examiner(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        probe = population.possible(population.red)
        res = client.post(URL, json=search_body(template_fingers([probe])), headers=dev.headers)
        body = res.json()
        assert (body["outcome"], body["identified"], body["person"]) == ("AMBER", False, None)
        assert body["review"]["status"] == "pending"
        assert body["warnings"] == []

    def test_an_image_probe_is_extracted_and_identified(
        self, client: TestClient, db_session: Session, population: Population, scan_pair: ScanPair
    ) -> None:
        from peelian.biometrics import engine
        from peelian.biometrics.gallery import EnrolmentKey
        from peelian.biometrics.service.gallery import gallery_for

        enrolled = engine.extract(scan_pair.enrol_png, finger_position=2)
        index = gallery_for(population.state).index
        index.add(EnrolmentKey(population.green.person_id, 3), enrolled)
        dev = officer_device(db_session)
        finger = {"position": 3, "image_b64": base64.b64encode(scan_pair.probe_png).decode()}
        res = client.post(URL, json=search_body([finger]), headers=dev.headers)
        assert res.status_code == 200, res.text
        assert res.json()["person"]["id"] == str(population.green.person_id)


class TestWhoMaySearch:
    def test_an_officer_without_a_device_bound_token_is_told_to_re_register(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        token = token_for(client, make_user(db_session, Role.OFFICER))
        body = search_body(template_fingers(population.red.probe(1)))
        res = client.post(URL, json=body, headers=auth_header(token))
        assert res.status_code == 401
        assert res.json()["action"] == "re-register"
        assert res.json()["type"].endswith("/device-required")

    def test_an_examiner_may_search_from_the_web_and_sees_scored_candidates(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        token = token_for(client, make_user(db_session, Role.FINGERPRINT_EXAMINER))
        body = search_body(template_fingers(population.red.probe(1)))
        res = client.post(URL, json=body, headers=auth_header(token))
        assert res.status_code == 200, res.text
        top = res.json()["candidates"][0]
        assert top["person_id"] == str(population.red.person_id)
        assert top["fmr"] < 1e-6
        assert set(top["finger_scores"]) == {"2", "7"}

    def test_a_contact_handler_may_not_search(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        token = token_for(client, make_user(db_session, Role.CONTACT_HANDLER))
        body = search_body(template_fingers(population.red.probe(1)))
        assert client.post(URL, json=body, headers=auth_header(token)).status_code == 403


class TestReadSearch:
    def test_the_searching_officer_reads_it_back_and_another_officer_cannot(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev, other = officer_device(db_session), officer_device(db_session)
        made = client.post(
            URL, json=search_body(template_fingers(population.red.probe(1))), headers=dev.headers
        ).json()
        mine = client.get(f"{URL}/{made['search_id']}", headers=dev.headers)
        assert mine.status_code == 200
        assert mine.json()["outcome"] == "RED"
        assert client.get(f"{URL}/{made['search_id']}", headers=other.headers).status_code == 404

    def test_an_examiner_reads_any_search_with_candidates(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        made = client.post(
            URL, json=search_body(template_fingers(population.red.probe(1))), headers=dev.headers
        ).json()
        token = token_for(client, make_user(db_session, Role.FINGERPRINT_EXAMINER))
        res = client.get(f"{URL}/{made['search_id']}", headers=auth_header(token))
        assert res.json()["candidates"][0]["person_id"] == str(population.red.person_id)


class TestBadInput:
    def _refused(
        self, client: TestClient, session: Session, body: dict[str, object], headers: dict[str, str]
    ) -> dict[str, object]:
        before = _searches(session)
        res = client.post(URL, json=body, headers=headers)
        assert res.status_code == 422, res.text
        assert res.headers["content-type"] == "application/problem+json"
        assert _searches(session) == before
        out: dict[str, object] = res.json()
        return out

    def test_a_missing_reason_is_named(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        body = search_body(template_fingers(population.red.probe(1)))
        del body["reason"]
        problem = self._refused(client, db_session, body, dev.headers)
        assert problem["detail"] == "/reason is required"

    def test_a_missing_offence_and_an_unknown_power_are_named(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        body = search_body(template_fingers(population.red.probe(1)), power="stop-and-account")
        del body["offence"]
        problem = self._refused(client, db_session, body, dev.headers)
        fields = {e["field"] for e in problem["errors"]}  # type: ignore[attr-defined]
        assert {"/power", "/offence"} <= fields

    def test_a_finger_code_outside_1_to_10_is_refused(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        fingers = template_fingers(population.red.probe(1))
        fingers[0]["position"] = 11
        problem = self._refused(client, db_session, search_body(fingers), dev.headers)
        assert problem["detail"].startswith("/fingers/0/position")  # type: ignore[union-attr]

    def test_the_same_finger_twice_is_refused(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        fingers = template_fingers(population.red.probe(1))
        fingers[1]["position"] = fingers[0]["position"]
        problem = self._refused(client, db_session, search_body(fingers), dev.headers)
        assert "given twice" in str(problem["detail"])

    def test_three_fingers_are_refused(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        fingers = template_fingers(population.red.probe(1) + population.amber.probe(1)[:1])
        fingers[2]["position"] = 3
        self._refused(client, db_session, search_body(fingers), dev.headers)

    def test_an_image_that_is_not_a_fingerprint_is_refused_naming_the_finger(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        finger = {"position": 2, "image_b64": base64.b64encode(noise_png()).decode()}
        problem = self._refused(client, db_session, search_body([finger]), dev.headers)
        assert problem["type"].endswith("/probe-unusable")  # type: ignore[union-attr]
        detail = str(problem["detail"])
        assert detail.startswith("/fingers/0/image_b64: is not a usable fingerprint")

    def test_bad_base64_and_a_corrupt_template_are_refused(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        bad = [{"position": 2, "image_b64": "not base64!!"}]
        assert "not valid base64" in str(
            self._refused(client, db_session, search_body(bad), dev.headers)["detail"]
        )
        corrupt = [
            {"position": 2, "template_b64": base64.b64encode(b"FMR\0junk").decode(),
             "template_format": "iso19794-2"}
        ]  # fmt: skip
        problem = self._refused(client, db_session, search_body(corrupt), dev.headers)
        assert "is not a valid template" in str(problem["detail"])


class TestAudit:
    def test_a_search_is_audited_with_metadata_and_no_probe(
        self, client: TestClient, db_session: Session, population: Population
    ) -> None:
        dev = officer_device(db_session)
        fingers = template_fingers(population.red.probe(1))
        made = client.post(URL, json=search_body(fingers), headers=dev.headers).json()
        event = db_session.scalars(
            select(AuditEvent).where(
                AuditEvent.record_type == "bio_search", AuditEvent.record_id == made["search_id"]
            )
        ).one()
        assert event.actor_id == dev.officer.user.id
        assert event.device_id == dev.device_id
        assert "PACE 1984 s.61(6A)" in (event.purpose or "")
        assert event.detail["outcome"] == "RED"
        assert event.detail["person_id"] == str(population.red.person_id)
        assert event.detail["location"] == [52.92, -1.47]
        dumped = json.dumps(event.detail) + (event.purpose or "")
        assert all(str(f["template_b64"])[:40] not in dumped for f in fingers)
        row = db_session.get(BioSearch, uuid.UUID(made["search_id"]))
        assert row is not None
        assert row.person_id == population.red.person_id
        assert row.finger_positions == [2, 7]
