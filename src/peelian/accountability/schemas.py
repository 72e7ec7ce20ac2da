"""Shapes of audit events and verification reports on the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from peelian.core.audit import AuditAction

__all__ = ["AuditEventRead", "AuditPage", "VerifyRead"]


class AuditEventRead(BaseModel):
    """One audit event."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    id: uuid.UUID
    occurred_at: datetime
    actor_id: uuid.UUID | None
    actor_role: str | None
    device_id: uuid.UUID | None
    action: AuditAction
    record_type: str
    record_id: str | None
    purpose: str | None
    outcome: str
    request_id: str | None
    detail: dict[str, Any]
    hash: str


class AuditPage(BaseModel):
    """A page of events, newest first."""

    total: int
    items: list[AuditEventRead]


class VerifyRead(BaseModel):
    """The result of walking the chain."""

    ok: bool
    events: int
    checkpoints: int
    broken_seq: int | None
    broken_id: str | None
    reason: str | None
