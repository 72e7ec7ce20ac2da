"""The notebook hash chain (pure): how an entry is hashed and how a chain is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ENTRY_FIELDS", "GENESIS", "entry_hash", "first_break"]

GENESIS = "0" * 64
ENTRY_FIELDS = (
    "id",
    "officer_id",
    "position",
    "device_id",
    "device_number",
    "device_time",
    "server_time",
    "text",
    "amends",
    "reason",
    "latitude",
    "longitude",
    "prev_hash",
)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 of the entry's canonical JSON (fields as strings, times in ISO 8601 UTC)."""
    body = {k: entry.get(k) for k in ENTRY_FIELDS}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"peelian-notebook:v1:" + text.encode()).hexdigest()


def first_break(
    entries: Iterable[Mapping[str, Any]], *, start_prev: str | None = None
) -> str | None:
    """None when every entry hashes correctly and links to the one before; else what is wrong."""
    prev = start_prev
    for entry in entries:
        if prev is not None and entry.get("prev_hash") != prev:
            return f"entry {entry.get('position')}: does not link to the entry before it"
        if entry_hash(entry) != entry.get("hash"):
            return f"entry {entry.get('position')}: its content does not match its hash"
        prev = str(entry.get("hash"))
    return None
