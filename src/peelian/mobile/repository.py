"""Every query of the mobile domain. Notebook entries and sync operations are only ever inserted."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from peelian.auth.models import User
from peelian.mobile.models import (
    Attachment,
    FormStatus,
    FormVersion,
    NotebookEntry,
    Submission,
    SubmissionStatus,
    SyncBucketHead,
    SyncChange,
    SyncOperation,
)

__all__ = [
    "advance_bucket",
    "attachments_of",
    "changes_after",
    "existing_ops",
    "form_versions",
    "last_seq",
    "notebook_head",
    "notebook_range",
    "submissions",
    "user_by_username",
]


def user_by_username(session: Session, username: str) -> User | None:
    """The account with this username."""
    return session.scalar(select(User).where(User.username == username.lower()))


def last_seq(session: Session, device_id: uuid.UUID) -> int:
    """The highest sequence number applied for a device (0 for none)."""
    value = session.scalar(
        select(func.max(SyncOperation.seq)).where(SyncOperation.device_id == device_id)
    )
    return int(value or 0)


def existing_ops(
    session: Session, device_id: uuid.UUID, seqs: Sequence[int], op_ids: Sequence[uuid.UUID]
) -> list[SyncOperation]:
    """Stored operations of the device at these seqs, and any anywhere with these op ids."""
    by_seq = select(SyncOperation).where(
        SyncOperation.device_id == device_id, SyncOperation.seq.in_(list(seqs))
    )
    found = list(session.scalars(by_seq)) if seqs else []
    if op_ids:
        found += list(session.scalars(select(SyncOperation).where(SyncOperation.op_id.in_(op_ids))))
    return found


def form_versions(
    session: Session, keys: Sequence[tuple[str, str]] | None = None, *, live_only: bool = False
) -> list[FormVersion]:
    """Form versions, optionally only these (form_id, version) pairs or only published ones."""
    stmt = select(FormVersion).order_by(FormVersion.form_id, FormVersion.published_at)
    if keys is not None:
        ids = {k[0] for k in keys}
        stmt = stmt.where(FormVersion.form_id.in_(ids))
    if live_only:
        stmt = stmt.where(FormVersion.status == FormStatus.PUBLISHED)
    rows = list(session.scalars(stmt))
    if keys is not None:
        wanted = set(keys)
        rows = [r for r in rows if (r.form_id, r.version) in wanted]
    return rows


def advance_bucket(session: Session, bucket: str, count: int) -> int:
    """Reserve `count` change numbers in a bucket; returns the first. Serialises the bucket."""
    row = session.execute(
        update(SyncBucketHead)
        .where(SyncBucketHead.bucket == bucket)
        .values(last_seq=SyncBucketHead.last_seq + count)
        .returning(SyncBucketHead.last_seq)
    ).one_or_none()
    if row is None:
        session.add(SyncBucketHead(bucket=bucket, last_seq=count))
        session.flush()
        return 1
    return int(row[0]) - count + 1


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk insert (one executemany) without loading objects."""
    if rows:
        session.execute(insert(model), rows)


def changes_after(session: Session, bucket: str, after: int, limit: int) -> list[SyncChange]:
    """A bucket's changes after a position, in order."""
    stmt = (
        select(SyncChange)
        .where(SyncChange.bucket == bucket, SyncChange.seq > after)
        .order_by(SyncChange.seq)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def notebook_head(session: Session, officer_id: uuid.UUID) -> NotebookEntry | None:
    """The officer's latest notebook entry."""
    stmt = (
        select(NotebookEntry)
        .where(NotebookEntry.officer_id == officer_id)
        .order_by(NotebookEntry.position.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def notebook_range(
    session: Session,
    officer_id: uuid.UUID,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    ids: Sequence[uuid.UUID] | None = None,
) -> list[NotebookEntry]:
    """An officer's entries in chain order, by server time range or by id."""
    stmt = select(NotebookEntry).where(NotebookEntry.officer_id == officer_id)
    if start is not None:
        stmt = stmt.where(NotebookEntry.server_time >= start)
    if end is not None:
        stmt = stmt.where(NotebookEntry.server_time < end)
    if ids is not None:
        stmt = stmt.where(NotebookEntry.id.in_(list(ids)))
    return list(session.scalars(stmt.order_by(NotebookEntry.position)))


def submissions(
    session: Session,
    *,
    status: SubmissionStatus | None = None,
    since: datetime | None = None,
    ids: Sequence[uuid.UUID] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Submission]:
    """Submissions, newest first."""
    stmt = select(Submission)
    if status is not None:
        stmt = stmt.where(Submission.status == status)
    if since is not None:
        stmt = stmt.where(Submission.received_at >= since)
    if ids is not None:
        stmt = stmt.where(Submission.id.in_(list(ids)))
    stmt = stmt.order_by(Submission.received_at.desc(), Submission.id).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def attachments_of(
    session: Session, *, submission_ids: Sequence[uuid.UUID] = (), sha256: str | None = None
) -> list[Attachment]:
    """Attachments of submissions, or every attachment with this content hash."""
    stmt = select(Attachment)
    if sha256 is not None:
        stmt = stmt.where(Attachment.sha256 == sha256)
    else:
        stmt = stmt.where(Attachment.submission_id.in_(list(submission_ids)))
    return list(session.scalars(stmt))
