"""The hash that links each audit event to the one before it."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

__all__ = ["GENESIS_HASH", "canonical_event", "event_hash"]

GENESIS_HASH = "0" * 64


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def canonical_event(
    *,
    seq: int,
    event_id: uuid.UUID,
    occurred_at: datetime,
    actor_id: uuid.UUID | None,
    actor_role: str | None,
    device_id: uuid.UUID | None,
    action: str,
    record_type: str,
    record_id: str | None,
    purpose: str | None,
    outcome: str,
    request_id: str | None,
    detail: dict[str, Any],
) -> bytes:
    """Serialise an event's fields deterministically (sorted keys, no spaces, UTF-8)."""
    body = {
        "seq": seq,
        "id": str(event_id),
        "occurred_at": _iso(occurred_at),
        "actor_id": None if actor_id is None else str(actor_id),
        "actor_role": actor_role,
        "device_id": None if device_id is None else str(device_id),
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "purpose": purpose,
        "outcome": outcome,
        "request_id": request_id,
        "detail": detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(prev_hash: str, canonical: bytes) -> str:
    """SHA-256 over the previous hash and the canonical event: H(prev || event)."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical).hexdigest()
