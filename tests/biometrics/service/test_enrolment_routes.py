"""The enrolment API: multipart and ANSI/NIST enrolment, metadata read, destruction, errors."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.fixtures.auth import auth_header, make_user, token_for
from tests.fixtures.biometrics_enrol import fvc, fvc_png, noise_png

from peelian.auth.models import Role
from peelian.biometrics.ansi_nist import FingerCapture, build_transaction
from peelian.biometrics.service import gallery
from peelian.web.state import AppState

PURPOSE = "Custody record CUS-2026-0042: ten-print enrolment"
URL = "/api/v1/biometrics/enrolments"


@pytest.fixture
def examiner(client: TestClient, db_session: Session) -> dict[str, str]:
    """A fingerprint examiner (may enrol) with a purpose header."""
    made = make_user(db_session, Role.FINGERPRINT_EXAMINER)
    return auth_header(token_for(client, made), PURPOSE)


def _files(fingers: dict[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [(k, (f"{k}.png", v, "image/png")) for k, v in fingers.items()]


def _problem(res: object) -> dict[str, object]:
    assert res.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = res.json()  # type: ignore[attr-defined]
    return body


class TestEnrolImages:
    def test_enrol_read_and_destroy(
        self,
        client: TestClient,
        examiner: dict[str, str],
        person_id: uuid.UUID,
        app_state: AppState,
    ) -> None:
        files = _files({"finger_2": fvc(101, 1), "finger_7": fvc(102, 1)})
        res = client.post(URL, headers=examiner, data={"person_id": str(person_id)}, files=files)
        assert res.status_code == 201, res.text
        body = res.json()
        assert body["version"] == 1
        assert body["source"] == "images"
        assert [f["finger_position"] for f in body["fingers"]] == [2, 7]
        assert all(f["has_image"] for f in body["fingers"])
        assert "template" not in res.text
        assert len(gallery.gallery_for(app_state).index) == 2

        read = client.get(f"{URL}/{person_id}", headers=examiner)
        assert read.status_code == 200
        assert read.json()["fingers"] == body["fingers"]
        no_purpose = {"Authorization": examiner["Authorization"]}
        assert _problem(client.get(f"{URL}/{person_id}", headers=no_purpose))["status"] == 400

        gone = client.request(
            "DELETE", f"{URL}/{person_id}", headers=examiner, json={"reason": "NFA: destroy"}
        )
        assert gone.status_code == 204
        assert len(gallery.gallery_for(app_state).index) == 0
        assert client.get(f"{URL}/{person_id}", headers=examiner).status_code == 404

    def test_wrong_finger_code_is_named(
        self, client: TestClient, examiner: dict[str, str], person_id: uuid.UUID
    ) -> None:
        files = _files({"finger_2": fvc_png(101, 1), "finger_11": fvc_png(102, 1)})
        res = client.post(URL, headers=examiner, data={"person_id": str(person_id)}, files=files)
        assert res.status_code == 422
        problem = _problem(res)
        assert "finger code 11 is not a NIST finger position" in str(problem["detail"])
        assert problem["errors"] == [
            {"field": "/finger_11", "message": problem["detail"]},
        ]

    def test_unknown_field_is_named(
        self, client: TestClient, examiner: dict[str, str], person_id: uuid.UUID
    ) -> None:
        files = _files({"finger_2": fvc_png(101, 1), "thumb": fvc_png(102, 1)})
        res = client.post(URL, headers=examiner, data={"person_id": str(person_id)}, files=files)
        assert res.status_code == 422
        assert "unknown field 'thumb'" in str(_problem(res)["detail"])

    def test_non_fingerprint_image_is_refused_and_nothing_stored(
        self,
        client: TestClient,
        examiner: dict[str, str],
        person_id: uuid.UUID,
        app_state: AppState,
    ) -> None:
        files = _files({"finger_2": fvc_png(101, 1), "finger_7": noise_png()})
        res = client.post(URL, headers=examiner, data={"person_id": str(person_id)}, files=files)
        assert res.status_code == 422
        assert "finger 7 (left index): no usable ridges" in str(_problem(res)["detail"])
        assert client.get(f"{URL}/{person_id}", headers=examiner).status_code == 404
        assert len(gallery.gallery_for(app_state).index) == 0

    def test_missing_person_id(self, client: TestClient, examiner: dict[str, str]) -> None:
        files = _files({"finger_2": fvc_png(101, 1), "finger_7": fvc_png(102, 1)})
        res = client.post(URL, headers=examiner, files=files)
        assert res.status_code == 422
        assert "person_id is required" in str(_problem(res)["detail"])

    def test_destruction_needs_a_reason(
        self, client: TestClient, examiner: dict[str, str], person_id: uuid.UUID
    ) -> None:
        res = client.request("DELETE", f"{URL}/{person_id}", headers=examiner, json={})
        assert res.status_code == 422
        assert _problem(res)["errors"] == [{"field": "/reason", "message": "is required"}]


class TestEnrolTransaction:
    def _tx(self, person_id: uuid.UUID) -> bytes:
        fingers = [
            FingerCapture(2, fvc_png(103, 1), 388, 374),
            FingerCapture(7, fvc_png(104, 1), 388, 374),
        ]
        return build_transaction(
            fingers=fingers, type2={"2.100": str(person_id)}, control_number="TCN-7"
        )

    def test_enrols_from_an_octet_stream(
        self, client: TestClient, examiner: dict[str, str], person_id: uuid.UUID
    ) -> None:
        headers = {**examiner, "content-type": "application/octet-stream"}
        res = client.post(f"{URL}/ansi-nist", headers=headers, content=self._tx(person_id))
        assert res.status_code == 201, res.text
        assert res.json()["source"] == "ansi-nist"
        assert res.json()["control_number"] == "TCN-7"

    @pytest.mark.parametrize(
        ("damage", "expected"),
        [
            (lambda b: b[:-25], "record Type-14"),
            (lambda b: b.replace(b"1.004:", b"1.006:", 1), "mandatory field 1.004 is missing"),
            (lambda b: b"", "the transaction is empty"),
            (lambda b: b.replace(b"14.001:", b"14.001:9", 1), "record length"),
        ],
        ids=["truncated", "missing-mandatory-field", "empty", "bad-length"],
    )
    def test_malformed_transactions_are_named(
        self,
        client: TestClient,
        examiner: dict[str, str],
        person_id: uuid.UUID,
        damage: object,
        expected: str,
    ) -> None:
        body = damage(self._tx(person_id))  # type: ignore[operator]
        headers = {**examiner, "content-type": "application/octet-stream"}
        res = client.post(f"{URL}/ansi-nist", headers=headers, content=body)
        assert res.status_code == 422
        detail = str(_problem(res)["detail"])
        assert detail.startswith("malformed ANSI/NIST-ITL transaction")
        assert expected in detail


def test_an_officer_may_not_enrol(
    client: TestClient, db_session: Session, person_id: uuid.UUID
) -> None:
    headers = auth_header(token_for(client, make_user(db_session, Role.OFFICER)), PURPOSE)
    files = _files({"finger_2": b"x", "finger_7": b"y"})
    res = client.post(URL, headers=headers, data={"person_id": str(person_id)}, files=files)
    assert res.status_code == 403
