"""Ten-print enrolment pages: the form, per-finger errors, re-enrolment, purpose gate, destroy."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.fixtures.auth import make_user
from tests.fixtures.biometrics_enrol import fvc, fvc_png, noise_png

from peelian.auth.dependencies import SESSION_COOKIE, csrf_token_for
from peelian.auth.models import Role
from peelian.biometrics.ansi_nist import FingerCapture, build_transaction
from peelian.biometrics.models.enrolment import Enrolment
from peelian.biometrics.service.gallery import gallery_for
from peelian.core.audit import AuditEvent
from peelian.web.state import AppState

HTML = {"accept": "text/html"}
NEW = "/biometrics/enrolments/new"
PURPOSE = "Custody record CUS-2026-0042: ten-print check"
Files = list[tuple[str, tuple[str, bytes, str]]]


def sign_in(client: TestClient, db_session: Session, role: Role) -> str:
    """Sign in through the login page; return the CSRF token for forms."""
    made = make_user(db_session, role)
    form = {"username": made.user.username, "password": made.password, "totp": made.code() or ""}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    return csrf_token_for(b"k" * 32, client.cookies[SESSION_COOKIE])


@pytest.fixture
def examiner(client: TestClient, db_session: Session) -> str:
    """A signed-in fingerprint examiner (may enrol); the CSRF token."""
    return sign_in(client, db_session, Role.FINGERPRINT_EXAMINER)


def images(fingers: dict[int, bytes], kind: str = "png") -> Files:
    return [(f"finger_{n}", (f"f{n}.{kind}", data, f"image/{kind}")) for n, data in fingers.items()]


def post_enrol(
    client: TestClient, csrf: str, person_id: uuid.UUID, files: Files, **fields: str
) -> Response:
    data = {"csrf_token": csrf, "person_id": str(person_id), **fields}
    return client.post(NEW, data=data, files=files, headers=HTML, follow_redirects=False)


def two_fingers(client: TestClient, csrf: str, person_id: uuid.UUID, **fields: str) -> Response:
    files = images({2: fvc_png(101, 1), 7: fvc_png(102, 1)})
    res = post_enrol(client, csrf, person_id, files, **fields)
    assert res.status_code == 303, res.text
    return res


def enrolment_row(db_session: Session, person_id: uuid.UUID) -> Enrolment | None:
    db_session.expire_all()
    return db_session.scalars(select(Enrolment).where(Enrolment.person_id == person_id)).first()


def audit_rows(db_session: Session, person_id: uuid.UUID) -> list[AuditEvent]:
    db_session.expire_all()
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.record_type == "biometric_enrolment",
            AuditEvent.record_id == str(person_id),
        )
        .order_by(AuditEvent.seq)
    )
    return list(db_session.scalars(query))


def stored_files(blob_dir: Path) -> list[Path]:
    return [p for p in blob_dir.rglob("*") if p.is_file()] if blob_dir.exists() else []


class TestEnrolmentForm:
    def test_shows_ten_finger_inputs_and_the_rules(
        self, client: TestClient, examiner: str, person_id: uuid.UUID
    ) -> None:
        res = client.get(NEW, params={"person_id": str(person_id)}, headers=HTML)
        assert res.status_code == 200
        assert 'enctype="multipart/form-data"' in res.text
        for code in range(1, 11):
            assert f'id="finger_{code}"' in res.text
        assert "1 Right thumb (NIST finger position 1)" in res.text
        assert "10 Left little (NIST finger position 10)" in res.text
        assert "At least 2 fingers are needed; no finger is compulsory" in res.text
        assert 'id="transaction"' in res.text
        assert 'data-existing="none"' in res.text

    def test_a_bad_person_id_is_shown_against_the_field(
        self, client: TestClient, examiner: str
    ) -> None:
        res = client.get(NEW, params={"person_id": "not-a-uuid"}, headers=HTML)
        assert res.status_code == 400
        assert 'href="#person_id"' in res.text

    def test_is_in_the_navigation_of_roles_that_may_enrol(
        self, client: TestClient, examiner: str
    ) -> None:
        assert f'href="{NEW}"' in client.get("/staff", headers=HTML).text


class TestEnrol:
    def test_ten_tiffs_enrol_and_lead_to_the_enrolment(
        self,
        client: TestClient,
        db_session: Session,
        examiner: str,
        person_id: uuid.UUID,
        app_state: AppState,
        blob_dir: Path,
    ) -> None:
        files = images({n: fvc(100 + n, 1) for n in range(1, 11)}, kind="tiff")
        res = post_enrol(client, examiner, person_id, files)
        assert res.status_code == 303, res.text
        assert res.headers["location"].startswith(f"/biometrics/enrolments/{person_id}?purpose=")
        page = client.get(res.headers["location"], headers=HTML)
        assert page.status_code == 200
        assert 'data-outcome="enrolled"' in page.text
        assert 'data-source="images"' in page.text
        assert all(f'data-finger="{n}"' in page.text for n in range(1, 11))
        assert "10 fingers enrolled" in page.text
        row = enrolment_row(db_session, person_id)
        assert row is not None
        assert (row.finger_count, row.version) == (10, 1)
        assert len(gallery_for(app_state).index) == 10
        assert len(stored_files(blob_dir)) == 10
        # The form's look for a set to replace found none (nothing read, nothing audited).
        assert [e.action.value for e in audit_rows(db_session, person_id)] == ["create", "read"]

    def test_a_bad_image_is_named_in_the_summary_and_nothing_is_stored(
        self,
        client: TestClient,
        db_session: Session,
        examiner: str,
        person_id: uuid.UUID,
        app_state: AppState,
        blob_dir: Path,
    ) -> None:
        files = images({2: fvc_png(101, 1), 7: noise_png(), 8: fvc_png(103, 1)})
        res = post_enrol(client, examiner, person_id, files)
        assert res.status_code == 422
        assert "There is a problem" in res.text
        assert '<a href="#finger_7">Finger 7 (left index): no usable ridges' in res.text
        assert 'id="finger_7-error"' in res.text
        assert 'href="#finger_2"' not in res.text
        assert enrolment_row(db_session, person_id) is None
        assert len(gallery_for(app_state).index) == 0
        assert stored_files(blob_dir) == []
        assert "create" not in [e.action.value for e in audit_rows(db_session, person_id)]

    def test_one_finger_is_too_few(
        self, client: TestClient, examiner: str, person_id: uuid.UUID
    ) -> None:
        res = post_enrol(client, examiner, person_id, images({2: fvc_png(101, 1)}))
        assert res.status_code == 422
        assert '<a href="#finger_1">A ten-print set needs 2 to 10 fingers; got 1' in res.text

    def test_nothing_uploaded(
        self, client: TestClient, examiner: str, person_id: uuid.UUID
    ) -> None:
        res = post_enrol(client, examiner, person_id, [("finger_1", ("", b"", "image/png"))])
        assert res.status_code == 400
        assert '<a href="#finger_1">Upload an image for at least 2 fingers' in res.text

    def test_images_and_a_transaction_together_are_refused(
        self, client: TestClient, examiner: str, person_id: uuid.UUID
    ) -> None:
        files = images({2: fvc_png(101, 1), 7: fvc_png(102, 1)})
        files.append(("transaction", ("t.an2", b"1.001:...", "application/octet-stream")))
        res = post_enrol(client, examiner, person_id, files)
        assert res.status_code == 400
        assert 'href="#transaction"' in res.text

    def test_an_unknown_person_is_named(self, client: TestClient, examiner: str) -> None:
        files = images({2: fvc_png(101, 1), 7: fvc_png(102, 1)})
        res = post_enrol(client, examiner, uuid.UUID(int=99), files)
        assert res.status_code == 422
        assert '<a href="#person_id">No person with id' in res.text

    def test_a_post_without_the_csrf_token_is_refused(
        self, client: TestClient, db_session: Session, examiner: str, person_id: uuid.UUID
    ) -> None:
        files = images({2: fvc_png(101, 1), 7: fvc_png(102, 1)})
        res = post_enrol(client, "wrong", person_id, files)
        assert res.status_code == 403
        assert enrolment_row(db_session, person_id) is None


class TestReEnrolment:
    def test_the_form_says_a_set_is_enrolled(
        self, client: TestClient, examiner: str, person_id: uuid.UUID
    ) -> None:
        two_fingers(client, examiner, person_id)
        res = client.get(NEW, params={"person_id": str(person_id)}, headers=HTML)
        assert 'data-existing="1"' in res.text
        assert "already has 2 fingers enrolled" in res.text
        assert 'id="confirm_replace"' in res.text

    def test_replacing_needs_confirmation(
        self, client: TestClient, db_session: Session, examiner: str, person_id: uuid.UUID
    ) -> None:
        two_fingers(client, examiner, person_id)
        files = images({3: fvc_png(103, 1), 8: fvc_png(104, 1)})
        res = post_enrol(client, examiner, person_id, files)
        assert res.status_code == 400
        assert 'href="#confirm_replace"' in res.text
        row = enrolment_row(db_session, person_id)
        assert row is not None
        assert row.version == 1

        res = post_enrol(client, examiner, person_id, files, confirm_replace="yes")
        assert res.status_code == 303, res.text
        row = enrolment_row(db_session, person_id)
        assert row is not None
        assert row.version == 2


class TestEnrolTransaction:
    def tx(self, person_id: uuid.UUID) -> bytes:
        fingers = [
            FingerCapture(2, fvc_png(103, 1), 388, 374),
            FingerCapture(7, fvc_png(104, 1), 388, 374),
        ]
        return build_transaction(
            fingers=fingers, type2={"2.100": str(person_id)}, control_number="TCN-7"
        )

    def test_enrols_from_a_transaction_file(
        self, client: TestClient, examiner: str, person_id: uuid.UUID
    ) -> None:
        files = [("transaction", ("set.an2", self.tx(person_id), "application/octet-stream"))]
        res = post_enrol(client, examiner, person_id, files)
        assert res.status_code == 303, res.text
        page = client.get(res.headers["location"], headers=HTML)
        assert 'data-source="ansi-nist"' in page.text
        assert "TCN-7" in page.text

    def test_a_transaction_for_someone_else_is_refused(
        self, client: TestClient, db_session: Session, examiner: str, person_id: uuid.UUID
    ) -> None:
        other = uuid.UUID(int=5)
        files = [("transaction", ("set.an2", self.tx(other), "application/octet-stream"))]
        res = post_enrol(client, examiner, person_id, files)
        assert res.status_code == 400
        assert f"it is for person {other}" in res.text
        assert enrolment_row(db_session, person_id) is None

    def test_a_malformed_transaction_is_named_against_the_file(
        self, client: TestClient, examiner: str, person_id: uuid.UUID
    ) -> None:
        damaged = self.tx(person_id).replace(b"1.004:", b"1.006:", 1)
        files = [("transaction", ("set.an2", damaged, "application/octet-stream"))]
        res = post_enrol(client, examiner, person_id, files)
        assert res.status_code == 422
        assert '<a href="#transaction">Transaction file:' in res.text
        assert "mandatory field 1.004 is missing" in res.text


class TestEnrolmentPage:
    def test_asks_for_a_purpose_first(
        self, client: TestClient, examiner: str, person_id: uuid.UUID
    ) -> None:
        two_fingers(client, examiner, person_id)
        res = client.get(f"/biometrics/enrolments/{person_id}", headers=HTML)
        assert res.status_code == 200
        assert "Why do you need this enrolment?" in res.text
        assert "data-finger" not in res.text
        short = client.get(
            f"/biometrics/enrolments/{person_id}", params={"purpose": "x"}, headers=HTML
        )
        assert short.status_code == 400
        assert 'href="#purpose"' in short.text

    def test_shows_the_fingers_and_audits_the_purpose(
        self,
        client: TestClient,
        db_session: Session,
        examiner: str,
        person_id: uuid.UUID,
    ) -> None:
        two_fingers(client, examiner, person_id)
        res = client.get(
            f"/biometrics/enrolments/{person_id}", params={"purpose": PURPOSE}, headers=HTML
        )
        assert res.status_code == 200
        assert 'data-finger="2"' in res.text
        assert 'data-finger="7"' in res.text
        assert "2 Right index" in res.text
        assert "Finger images" in res.text
        last = audit_rows(db_session, person_id)[-1]
        assert (last.action.value, last.purpose) == ("read", PURPOSE)

    def test_no_enrolment_is_a_404_page(self, client: TestClient, examiner: str) -> None:
        res = client.get(
            f"/biometrics/enrolments/{uuid.UUID(int=3)}", params={"purpose": PURPOSE}, headers=HTML
        )
        assert res.status_code == 404
        assert "No prints enrolled" in res.text


class TestDestroy:
    def test_needs_a_reason(
        self, client: TestClient, db_session: Session, examiner: str, person_id: uuid.UUID
    ) -> None:
        two_fingers(client, examiner, person_id)
        res = client.post(
            f"/biometrics/enrolments/{person_id}/destroy",
            data={"csrf_token": examiner, "purpose": PURPOSE, "reason": " "},
            headers=HTML,
        )
        assert res.status_code == 400
        assert 'href="#reason"' in res.text
        assert enrolment_row(db_session, person_id) is not None

    def test_destroys_with_a_reason_and_the_gallery_forgets(
        self,
        client: TestClient,
        db_session: Session,
        examiner: str,
        person_id: uuid.UUID,
        app_state: AppState,
        blob_dir: Path,
    ) -> None:
        two_fingers(client, examiner, person_id)
        assert len(gallery_for(app_state).index) == 2
        res = client.post(
            f"/biometrics/enrolments/{person_id}/destroy",
            data={"csrf_token": examiner, "purpose": PURPOSE, "reason": "PACE s.64: NFA"},
            headers=HTML,
            follow_redirects=False,
        )
        assert res.status_code == 303
        page = client.get(res.headers["location"], headers=HTML)
        assert 'data-outcome="destroyed"' in page.text
        assert 'data-existing="none"' in page.text
        assert enrolment_row(db_session, person_id) is None
        assert len(gallery_for(app_state).index) == 0
        assert stored_files(blob_dir) == []
        deleted = [e for e in audit_rows(db_session, person_id) if e.action.value == "delete"]
        assert [e.detail["reason"] for e in deleted] == ["PACE s.64: NFA"]

    def test_without_the_csrf_token_is_refused(
        self, client: TestClient, db_session: Session, examiner: str, person_id: uuid.UUID
    ) -> None:
        two_fingers(client, examiner, person_id)
        res = client.post(
            f"/biometrics/enrolments/{person_id}/destroy",
            data={"csrf_token": "wrong", "reason": "PACE s.64: NFA"},
            headers=HTML,
        )
        assert res.status_code == 403
        assert enrolment_row(db_session, person_id) is not None


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR])
def test_roles_without_the_enrol_permission_get_403(
    client: TestClient, db_session: Session, person_id: uuid.UUID, role: Role
) -> None:
    csrf = sign_in(client, db_session, role)
    view = f"/biometrics/enrolments/{person_id}"
    assert client.get(NEW, headers=HTML).status_code == 403
    assert client.get(view, params={"purpose": PURPOSE}, headers=HTML).status_code == 403
    files = images({2: fvc_png(101, 1), 7: fvc_png(102, 1)})
    assert post_enrol(client, csrf, person_id, files).status_code == 403
    destroy = {"csrf_token": csrf, "reason": "PACE s.64: NFA"}
    assert client.post(f"{view}/destroy", data=destroy, headers=HTML).status_code == 403
    assert enrolment_row(db_session, person_id) is None
