"""Mobile tables: form versions, submissions and attachments, sync log, notebook, briefings."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from peelian.core.db.base import Base, IdMixin
from peelian.core.time import utcnow

__all__ = [
    "Attachment",
    "Briefing",
    "ConflictStatus",
    "Draft",
    "FormStatus",
    "FormVersion",
    "NotebookEntry",
    "PaperBaseline",
    "Submission",
    "SubmissionStatus",
    "SyncBucketHead",
    "SyncChange",
    "SyncConflict",
    "SyncOperation",
    "Upload",
]

BIG = BigInteger().with_variant(Integer, "sqlite")


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e])


class FormStatus(enum.StrEnum):
    """A published version can be used; a retired one is refused."""

    PUBLISHED = "published"
    RETIRED = "retired"


class FormVersion(IdMixin, Base):
    """One published version of a form, with its compact schema and the XLSForm's hash."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    form_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[FormStatus] = mapped_column(_enum(FormStatus), default=FormStatus.PUBLISHED)
    schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_sha256: Mapped[str] = mapped_column(String(64))
    published_by: Mapped[uuid.UUID | None]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]


class SubmissionStatus(enum.StrEnum):
    """Where a submission is in review."""

    AWAITING_ATTACHMENTS = "awaiting_attachments"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class Submission(Base):
    """A completed form from a device, under the id the device minted."""

    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_status", "status"),
        Index("ix_submissions_officer_id", "officer_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    form_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("form_versions.id"))
    form_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[uuid.UUID]
    team: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[SubmissionStatus] = mapped_column(_enum(SubmissionStatus))
    replaces: Mapped[uuid.UUID | None]
    review_comments: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[uuid.UUID | None]
    reviewed_at: Mapped[datetime | None]
    record_ref: Mapped[str | None] = mapped_column(String(120))


class Attachment(IdMixin, Base):
    """A file a submission refers to; complete once its bytes are in the blob store."""

    __tablename__ = "submission_attachments"
    __table_args__ = (
        UniqueConstraint("submission_id", "name"),
        Index("ix_submission_attachments_sha256", "sha256"),
    )

    submission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("submissions.id"))
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BIG)
    content_type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime | None]


class Upload(Base):
    """A resumable upload in progress, by content hash; offset is what has been stored."""

    __tablename__ = "uploads"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BIG)
    offset: Mapped[int] = mapped_column(BIG, default=0)
    device_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class SyncOperation(Base):
    """An applied device operation: exactly once per (device_id, seq), with its signed receipt."""

    __tablename__ = "sync_operations"
    __table_args__ = (PrimaryKeyConstraint("device_id", "seq"),)

    device_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(BIG, autoincrement=False)
    op_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    officer_id: Mapped[uuid.UUID]
    payload_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[uuid.UUID | None]
    received_at: Mapped[datetime]
    signature: Mapped[str] = mapped_column(String(128))


class SyncBucketHead(Base):
    """The last change number of a bucket; bumping it serialises writers to that bucket."""

    __tablename__ = "sync_bucket_heads"

    bucket: Mapped[str] = mapped_column(String(120), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BIG, default=0)


class SyncChange(Base):
    """One change a device pulls: bucket, number within it, and the record's current data."""

    __tablename__ = "sync_changes"
    __table_args__ = (PrimaryKeyConstraint("bucket", "seq"),)

    bucket: Mapped[str] = mapped_column(String(120))
    seq: Mapped[int] = mapped_column(BIG, autoincrement=False)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(80))
    op: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Draft(Base):
    """A shared draft (e.g. an incident being written up) edited from devices by base version."""

    __tablename__ = "drafts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[uuid.UUID]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConflictStatus(enum.StrEnum):
    """A conflict waits for a supervisor."""

    OPEN = "open"
    RESOLVED = "resolved"


class SyncConflict(IdMixin, Base):
    """Two versions of a draft that could not both apply: both kept until a supervisor decides."""

    __tablename__ = "sync_conflicts"

    draft_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drafts.id"))
    op_id: Mapped[uuid.UUID]
    device_id: Mapped[uuid.UUID]
    officer_id: Mapped[uuid.UUID]
    base_version: Mapped[int] = mapped_column(Integer)
    server_version: Mapped[int] = mapped_column(Integer)
    server_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    device_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[ConflictStatus] = mapped_column(_enum(ConflictStatus))
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolved_by: Mapped[uuid.UUID | None]
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotebookEntry(Base):
    """A pocket-notebook entry: append-only, hash-chained per officer; never updated."""

    __tablename__ = "notebook_entries"
    __table_args__ = (
        UniqueConstraint("officer_id", "position"),
        UniqueConstraint("device_id", "device_number"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    position: Mapped[int] = mapped_column(Integer)
    device_id: Mapped[uuid.UUID]
    device_number: Mapped[int] = mapped_column(Integer)
    device_time: Mapped[datetime]
    server_time: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    amends: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Briefing(IdMixin, Base):
    """A team briefing item pushed to officers' devices."""

    __tablename__ = "briefings"

    team: Mapped[str] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer, default=2)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaperBaseline(Base):
    """Minutes a form took on paper, per form id: the yardstick for frontline time."""

    __tablename__ = "paper_baselines"

    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    minutes: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200))
