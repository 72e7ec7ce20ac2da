"""Resumable uploads: offsets, chunk and whole-file checksums, limits; bad input changes nothing."""

from __future__ import annotations

import base64
import hashlib
import uuid

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from peelian.mobile.models import Submission, SubmissionStatus
from tests.fixtures.mobile import OfficerDevice, officer_device, publish_forms, sha, submission

CONTENT = bytes(range(256)) * 200  # 51,200 bytes


def _declare(
    client: TestClient, dev: OfficerDevice, content: bytes, size: int | None = None
) -> str:
    payload = submission(
        form_id="incident",
        version="1",
        data={
            "occurred_at": "2026-11-29T09:00:00+00:00",
            "location": "Park",
            "incident_type": "asb",
            "summary": "Group throwing stones at windows",
            "photo": "photo.jpg",
        },
        attachments=[
            {
                "name": "photo.jpg",
                "sha256": sha(content),
                "size": len(content) if size is None else size,
            }
        ],
    )
    res = client.post(
        "/api/v1/mobile/sync/push",
        headers=dev.headers,
        json={"ops": [dev.op("submission.create", payload)]},
    )
    assert res.status_code == 200 or size is not None, res.text
    return str(payload["submission_id"])


def _patch(
    client: TestClient,
    dev: OfficerDevice,
    digest: str,
    offset: int,
    chunk: bytes,
    checksum: str | None = None,
):  # type: ignore[no-untyped-def]
    good = base64.b64encode(hashlib.sha256(chunk).digest()).decode()
    return client.patch(
        f"/api/v1/mobile/uploads/{digest}",
        content=chunk,
        headers={
            **dev.headers,
            "Upload-Offset": str(offset),
            "Upload-Checksum": f"sha256 {checksum or good}",
            "Content-Type": "application/offset+octet-stream",
        },
    )


class TestUploads:
    def test_chunks_resume_and_complete_the_submission(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        sid = _declare(client, dev, CONTENT)
        digest = sha(CONTENT)
        head = client.head(f"/api/v1/mobile/uploads/{digest}", headers=dev.headers)
        assert head.headers["Upload-Offset"] == "0"
        assert _patch(client, dev, digest, 0, CONTENT[:30000]).status_code == 204
        head = client.head(f"/api/v1/mobile/uploads/{digest}", headers=dev.headers)
        assert head.headers["Upload-Offset"] == "30000"
        done = _patch(client, dev, digest, 30000, CONTENT[30000:])
        assert done.headers["Upload-Offset"] == str(len(CONTENT))
        sub = db_session.get(Submission, uuid.UUID(sid))
        assert sub is not None
        db_session.refresh(sub)
        assert sub.status is SubmissionStatus.SUBMITTED

    def test_wrong_chunk_checksum_says_retry_and_keeps_the_offset(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        _declare(client, dev, CONTENT)
        res = _patch(client, dev, sha(CONTENT), 0, CONTENT[:1000], checksum="AAAA")
        assert res.status_code == 422
        assert res.json()["type"].endswith("/checksum-mismatch")
        assert res.json()["action"] == "retry"
        head = client.head(f"/api/v1/mobile/uploads/{sha(CONTENT)}", headers=dev.headers)
        assert head.headers["Upload-Offset"] == "0"

    def test_wrong_offset_is_told_where_to_resume(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        _declare(client, dev, CONTENT)
        res = _patch(client, dev, sha(CONTENT), 500, CONTENT[500:900])
        assert res.status_code == 409
        assert res.json()["offset"] == 0

    def test_bytes_that_do_not_hash_to_the_declared_sha_start_again(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        _declare(client, dev, CONTENT)
        other = b"x" * len(CONTENT)
        res = _patch(client, dev, sha(CONTENT), 0, other)
        assert res.status_code == 422
        assert res.json()["offset"] == 0

    def test_oversized_attachment_is_refused_before_anything_is_stored(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        payload = submission(
            form_id="incident",
            version="1",
            data={
                "occurred_at": "2026-11-29T09:00:00+00:00",
                "location": "Park",
                "incident_type": "asb",
                "summary": "Group throwing stones",
                "photo": "p.jpg",
            },
            attachments=[{"name": "p.jpg", "sha256": "a" * 64, "size": 10**12}],
        )
        res = client.post(
            "/api/v1/mobile/sync/push",
            headers=dev.headers,
            json={"ops": [dev.op("submission.create", payload)]},
        )
        assert res.status_code == 413
        assert res.json()["type"].endswith("/attachment-too-large")
        assert db_session.get(Submission, uuid.UUID(payload["submission_id"])) is None

    def test_upload_not_declared_by_this_device_is_not_found(
        self, client: TestClient, db_session: Session
    ) -> None:
        dev = officer_device(db_session)
        res = client.head(f"/api/v1/mobile/uploads/{'b' * 64}", headers=dev.headers)
        assert res.status_code == 404
