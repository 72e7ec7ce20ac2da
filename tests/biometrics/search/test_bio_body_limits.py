"""Body caps sized for fingerprint payloads: searches and enrolments past the default cap.

The suite's default cap is 64 KiB; here the fingerprint caps are 2 MiB, so a 1.5 MiB body
must reach the service (and be judged on its content) and a 2.5 MiB one must get a 413
problem naming the limit, whether it declares its length or streams it.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET
from tests.fixtures.auth import auth_header, make_user, token_for
from tests.fixtures.biometrics_search import search_body
from tests.fixtures.mobile import officer_device
from tests.fixtures.records import make_person

from peelian.auth.models import Role
from peelian.biometrics.models.search import BioSearch
from peelian.config import Settings, load_settings

MIB = 1_048_576
SEARCH_URL = "/api/v1/biometrics/searches"
ENROL_URL = "/api/v1/biometrics/enrolments"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A small default cap, and fingerprint caps of 2 MiB."""
    return load_settings(
        secret_key=TEST_SECRET,
        env="test",
        var_dir=tmp_path / "var",
        storage_url=f"file://{tmp_path / 'blobs'}",
        max_body_bytes=65536,
        bio_search_max_bytes=2 * MIB,
        bio_enrol_max_bytes=2 * MIB,
    )


def _not_an_image(size: int) -> str:
    return base64.b64encode(os.urandom(size)).decode()


def _search_json(image_bytes: int) -> bytes:
    finger = {"position": 2, "image_b64": _not_an_image(image_bytes)}
    return json.dumps(search_body([finger])).encode()


def _searches(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(BioSearch)) or 0)


def _assert_too_large(res: object, what: str) -> None:
    assert res.status_code == 413  # type: ignore[attr-defined]
    assert res.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    problem = res.json()  # type: ignore[attr-defined]
    assert problem["detail"] == (
        f"the request body is over the {2 * MIB}-byte (2 MiB) limit for {what}"
    )


class TestSearchBody:
    def test_a_body_over_the_default_cap_reaches_the_search(
        self, client: TestClient, db_session: Session
    ) -> None:
        dev = officer_device(db_session)
        body = _search_json(MIB + MIB // 8)  # 1.5 MiB once base64-encoded
        headers = {**dev.headers, "content-type": "application/json"}
        res = client.post(SEARCH_URL, content=body, headers=headers)
        assert len(body) > 1.4 * MIB
        assert res.status_code == 422, res.text
        assert res.json()["errors"][0]["field"] == "/fingers/0/image_b64"

    def test_a_body_over_the_search_cap_is_refused_and_nothing_recorded(
        self, client: TestClient, db_session: Session
    ) -> None:
        dev = officer_device(db_session)
        before = _searches(db_session)
        headers = {**dev.headers, "content-type": "application/json"}
        res = client.post(SEARCH_URL, content=_search_json(2 * MIB), headers=headers)
        _assert_too_large(res, "fingerprint searches")
        assert _searches(db_session) == before

    def test_a_streamed_body_over_the_search_cap_is_refused(
        self, client: TestClient, db_session: Session
    ) -> None:
        dev = officer_device(db_session)
        body = _search_json(2 * MIB)

        def chunks() -> Iterator[bytes]:  # no Content-Length: the cap counts what arrives
            for start in range(0, len(body), 256 * 1024):
                yield body[start : start + 256 * 1024]

        headers = {**dev.headers, "content-type": "application/json"}
        res = client.post(SEARCH_URL, content=chunks(), headers=headers)
        _assert_too_large(res, "fingerprint searches")

    def test_other_routes_keep_the_default_cap(
        self, client: TestClient, db_session: Session
    ) -> None:
        dev = officer_device(db_session)
        res = client.post(
            "/api/v1/users",
            content=b"x" * 100_000,
            headers={**dev.headers, "content-type": "application/json"},
        )
        assert res.status_code == 413
        assert res.json()["detail"] == "the request body is over the 65536-byte (64 KiB) limit"


class TestEnrolmentBody:
    @pytest.fixture
    def examiner(self, client: TestClient, db_session: Session) -> dict[str, str]:
        made = make_user(db_session, Role.FINGERPRINT_EXAMINER)
        return auth_header(token_for(client, made), "Custody record CUS-1: ten-print enrolment")

    def test_a_ten_print_set_over_the_default_cap_reaches_the_quality_check(
        self, client: TestClient, db_session: Session, examiner: dict[str, str]
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        files = [
            (f"finger_{n}", (f"f{n}.tif", os.urandom(150_000), "image/tiff")) for n in range(1, 11)
        ]
        res = client.post(
            ENROL_URL, headers=examiner, data={"person_id": str(person.id)}, files=files
        )
        assert res.status_code == 422, res.text
        assert "finger 1 (right thumb)" in res.json()["detail"]

    def test_a_set_over_the_enrolment_cap_is_refused(
        self, client: TestClient, db_session: Session, examiner: dict[str, str]
    ) -> None:
        person = make_person(db_session)
        db_session.commit()
        files = [
            (f"finger_{n}", (f"f{n}.tif", os.urandom(250_000), "image/tiff")) for n in range(1, 11)
        ]
        res = client.post(
            ENROL_URL, headers=examiner, data={"person_id": str(person.id)}, files=files
        )
        _assert_too_large(res, "fingerprint enrolments")
