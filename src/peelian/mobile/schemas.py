"""API shapes of the mobile domain. Unknown fields are refused everywhere."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from peelian.mobile.models import SubmissionStatus

__all__ = [
    "AttachmentDecl",
    "BriefingCreate",
    "ConflictRead",
    "ConflictResolve",
    "DraftPayload",
    "FormVersionRead",
    "NotebookEntryRead",
    "NotebookPayload",
    "Operation",
    "PullRequest",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "Receipt",
    "ReviewDecision",
    "SubmissionPayload",
    "SubmissionRead",
    "SyncInfo",
]


def _v7(value: uuid.UUID) -> uuid.UUID:
    if value.version != 7:
        raise ValueError("must be a UUIDv7 minted by the device")
    return value


UUID7 = Annotated[uuid.UUID, AfterValidator(_v7)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Strict(BaseModel):
    """Request bodies: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class AttachmentDecl(Strict):
    """A file the submission refers to, uploaded separately."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    sha256: Sha256
    size: int = Field(ge=0)
    content_type: Annotated[str, StringConstraints(max_length=100)] = "application/octet-stream"


class SubmissionPayload(Strict):
    """submission.create: a completed form."""

    submission_id: UUID7
    form_id: Annotated[str, StringConstraints(max_length=64)]
    form_version: Annotated[str, StringConstraints(max_length=40)]
    data: dict[str, Any]
    started_at: datetime | None = None
    completed_at: datetime
    replaces: uuid.UUID | None = None
    attachments: list[AttachmentDecl] = Field(default_factory=list, max_length=50)


class NotebookPayload(Strict):
    """notebook.append: one pocket-notebook entry (or an amendment of an earlier one)."""

    entry_id: UUID7
    device_number: int = Field(ge=1)
    device_time: datetime
    text: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    amends: uuid.UUID | None = None
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class DraftPayload(Strict):
    """draft.save: a new version of a shared draft, made from base_version."""

    draft_id: UUID7
    form_id: Annotated[str, StringConstraints(max_length=64)]
    base_version: int = Field(ge=0)
    data: dict[str, Any]


OpKind = Literal["submission.create", "notebook.append", "draft.save"]


class Operation(Strict):
    """One operation of a device's log."""

    id: UUID7
    seq: int = Field(ge=1)
    kind: OpKind
    created_at: datetime
    payload: dict[str, Any]


class PushRequest(Strict):
    """A batch of consecutive operations."""

    protocol: Literal[1] = 1
    ops: list[Operation] = Field(min_length=1, max_length=500)


class Receipt(BaseModel):
    """The server's signed acknowledgement of one operation."""

    op_id: uuid.UUID
    seq: int
    status: str
    payload_sha256: str
    received_at: str
    record_id: uuid.UUID | None = None
    key_id: str
    signature: str


class PushResponse(BaseModel):
    """Receipts in sequence order, and the highest sequence number applied."""

    receipts: list[Receipt]
    last_seq: int
    server_time: datetime


class PullRequest(Strict):
    """Cursors the device holds (opaque), and how many changes it wants at most."""

    protocol: Literal[1] = 1
    cursors: dict[str, str] = Field(default_factory=dict)
    limit: int = Field(default=1000, ge=1, le=5000)


class Change(BaseModel):
    """One change in a bucket."""

    bucket: str
    record_type: str
    record_id: str
    op: str
    data: dict[str, Any]


class PullResponse(BaseModel):
    """Changes in priority order; store them with the new cursors in one local transaction."""

    buckets: list[str]
    changes: list[Change]
    cursors: dict[str, str]
    complete: bool
    server_time: datetime


class SyncInfo(BaseModel):
    """What a device needs to speak the protocol."""

    protocol: int
    receipt_key_id: str
    receipt_public_key: str
    max_batch: int
    max_chunk_bytes: int
    max_attachment_bytes: int
    server_time: datetime
    device_id: uuid.UUID | None
    last_seq: int


class FormVersionRead(BaseModel):
    """A published form version."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    form_id: str
    version: str
    kind: str
    title: str
    status: str
    source_sha256: str
    published_at: datetime


class SubmissionRead(BaseModel):
    """A submission as reviewers see it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    form_id: str
    kind: str
    officer_id: uuid.UUID
    device_id: uuid.UUID
    team: str | None
    status: SubmissionStatus
    data: dict[str, Any]
    started_at: datetime | None
    completed_at: datetime
    received_at: datetime
    review_comments: str | None
    record_ref: str | None


class ReviewDecision(Strict):
    """Accept, or return with comments."""

    decision: Literal["accept", "return"]
    comments: Annotated[str, StringConstraints(max_length=4000)] | None = None


class ConflictRead(BaseModel):
    """Both versions of a draft, for a supervisor to decide."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    draft_id: uuid.UUID
    device_id: uuid.UUID
    officer_id: uuid.UUID
    base_version: int
    server_version: int
    server_data: dict[str, Any]
    device_data: dict[str, Any]
    status: str
    resolution: str | None


class ConflictResolve(Strict):
    """Keep the server's version, the device's, or a merged text the supervisor wrote."""

    choose: Literal["server", "device", "merged"]
    data: dict[str, Any] | None = None


class BriefingCreate(Strict):
    """A briefing for a team's devices."""

    team: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    body: Annotated[str, StringConstraints(max_length=20_000)]
    priority: int = Field(default=2, ge=0, le=3)


class NotebookEntryRead(BaseModel):
    """A notebook entry with its chain position and hashes."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    position: int
    device_id: uuid.UUID
    device_number: int
    device_time: datetime
    server_time: datetime
    text: str
    amends: uuid.UUID | None
    reason: str | None
    prev_hash: str
    hash: str
