"""Resumable attachment uploads (tus-like): HEAD for the offset, PATCH a checksummed chunk.

The staging file lives under var/uploads/; the stored offset is the truth (a chunk written but
not committed is cut off on the next PATCH). When the last byte arrives the whole file is hashed
and moved into the content-addressed blob store; submissions waiting for it are then complete.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.core.audit import AuditAction
from peelian.core.audit import record as audit
from peelian.core.errors import InvalidInput, NotFound
from peelian.core.storage import BlobStore
from peelian.core.time import utcnow
from peelian.mobile import repository
from peelian.mobile.errors import ChecksumMismatch, UploadOffsetMismatch, problem
from peelian.mobile.models import Attachment, Submission, SubmissionStatus, Upload
from peelian.mobile.sync.changes import ChangeIn, officer_bucket, publish_changes
from peelian.mobile.sync.service import DeviceCaller

__all__ = ["UploadState", "upload_chunk", "upload_state"]


@dataclass(frozen=True)
class UploadState:
    """How much of a file the server holds."""

    offset: int
    size: int


def _declared_size(session: Session, caller: DeviceCaller, sha256: str) -> int:
    stmt = (
        select(Attachment.size)
        .join(Submission, Submission.id == Attachment.submission_id)
        .where(Attachment.sha256 == sha256, Submission.device_id == caller.device_id)
        .limit(1)
    )
    size = session.scalar(stmt)
    if size is None:
        raise problem(NotFound, "no submission from this device declares this attachment", "fix")
    return int(size)


def _complete(session: Session, caller: DeviceCaller, sha256: str) -> None:
    now = utcnow()
    waiting = [a for a in repository.attachments_of(session, sha256=sha256) if not a.received_at]
    for a in waiting:
        a.received_at = now
    session.flush()
    ids = sorted({a.submission_id for a in waiting})
    if not ids:
        return
    all_atts = repository.attachments_of(session, submission_ids=ids)
    changes = []
    for sub in repository.submissions(session, ids=ids, limit=len(ids)):
        done = all(a.received_at for a in all_atts if a.submission_id == sub.id)
        if done and sub.status is SubmissionStatus.AWAITING_ATTACHMENTS:
            sub.status = SubmissionStatus.SUBMITTED
            changes.append(
                ChangeIn(
                    officer_bucket(sub.officer_id),
                    "submission",
                    str(sub.id),
                    {"form_id": sub.form_id, "status": sub.status.value, "comments": None},
                )
            )
    publish_changes(session, changes)
    audit(
        session,
        actor=caller.actor,
        action=AuditAction.CREATE,
        record_type="attachment",
        record_id=sha256,
        detail={"submissions": len(ids)},
    )


def upload_state(
    session: Session, *, caller: DeviceCaller, sha256: str, blob_store: BlobStore
) -> UploadState:
    """The offset to resume from (the size when the server already has the file)."""
    size = _declared_size(session, caller, sha256)
    if blob_store.exists(sha256):
        _complete(session, caller, sha256)
        return UploadState(size, size)
    upload = session.get(Upload, sha256)
    return UploadState(upload.offset if upload else 0, size)


def upload_chunk(
    session: Session,
    *,
    caller: DeviceCaller,
    sha256: str,
    offset: int,
    checksum: str | None,
    chunk: bytes,
    blob_store: BlobStore,
    staging: Path,
) -> UploadState:
    """Append one chunk at `offset`; store the file when complete."""
    size = _declared_size(session, caller, sha256)
    if blob_store.exists(sha256):
        _complete(session, caller, sha256)
        return UploadState(size, size)
    upload = session.get(Upload, sha256)
    if upload is None:
        upload = Upload(sha256=sha256, size=size, offset=0, device_id=caller.device_id)
        session.add(upload)
    if offset != upload.offset:
        raise problem(
            UploadOffsetMismatch,
            f"resume from offset {upload.offset}",
            "retry",
            offset=upload.offset,
        )
    algo, _, digest = (checksum or "").partition(" ")
    if algo.lower() != "sha256" or not digest:
        raise problem(InvalidInput, "send Upload-Checksum: sha256 <base64 digest>", "fix")
    if base64.b64encode(hashlib.sha256(chunk).digest()).decode() != digest.strip():
        raise problem(
            ChecksumMismatch, "the chunk does not match its checksum", "retry", offset=upload.offset
        )
    if offset + len(chunk) > size:
        raise problem(InvalidInput, "the chunk runs past the declared size", "fix")
    staging.mkdir(parents=True, exist_ok=True)
    path = staging / sha256
    with open(path, "ab") as fp:
        fp.truncate(offset)
        fp.seek(offset)
        fp.write(chunk)
        fp.flush()
        os.fsync(fp.fileno())
    upload.offset = offset + len(chunk)
    if upload.offset < size:
        session.flush()
        return UploadState(upload.offset, size)
    with open(path, "rb") as fp:
        whole = hashlib.sha256()
        while block := fp.read(1 << 20):
            whole.update(block)
    if whole.hexdigest() != sha256:
        upload.offset = 0
        path.unlink(missing_ok=True)
        error = problem(
            ChecksumMismatch,
            "the whole file does not match its SHA-256; start again from offset 0",
            "retry",
            offset=0,
        )
        error.keep_changes = True
        raise error
    with open(path, "rb") as fp:
        blob_store.put(fp, expected_sha256=sha256)
    upload.completed_at = utcnow()
    path.unlink(missing_ok=True)
    _complete(session, caller, sha256)
    return UploadState(size, size)
