"""Notebook rules: entries are appended to the officer's chain and never changed.

An amendment is a new entry naming the entry it amends and why. Device time and server time are
both kept; gaps in a device's entry numbers are reported, never filled.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from peelian.core.audit import Actor, AuditAction
from peelian.core.audit import record as audit
from peelian.core.errors import NotFound
from peelian.mobile import repository
from peelian.mobile.models import NotebookEntry
from peelian.mobile.notebook.chain import GENESIS, entry_hash
from peelian.mobile.notebook.export import build_manifest
from peelian.mobile.schemas import NotebookPayload

__all__ = [
    "Gap",
    "append_entries",
    "entry_dict",
    "export_manifest",
    "find_gaps",
    "list_entries",
    "prepare_entries",
]


@dataclass(frozen=True)
class Gap:
    """Missing entry numbers from one device."""

    device_id: uuid.UUID
    missing: tuple[int, ...]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def entry_dict(entry: NotebookEntry | Mapping[str, Any]) -> dict[str, Any]:
    """The entry (a model or a row about to be inserted) as its hash sees it.

    The export manifest carries the same dict.
    """
    get: Callable[[str], Any] = (
        entry.__getitem__ if isinstance(entry, Mapping) else partial(getattr, entry)
    )
    amends = get("amends")
    return {
        "id": str(get("id")),
        "officer_id": str(get("officer_id")),
        "position": get("position"),
        "device_id": str(get("device_id")),
        "device_number": get("device_number"),
        "device_time": _iso(get("device_time")),
        "server_time": _iso(get("server_time")),
        "text": get("text"),
        "amends": None if amends is None else str(amends),
        "reason": get("reason"),
        "latitude": get("latitude"),
        "longitude": get("longitude"),
        "prev_hash": get("prev_hash"),
        "hash": get("hash"),
    }


def prepare_entries(
    session: Session, *, officer_id: uuid.UUID, payloads: Sequence[NotebookPayload]
) -> list[tuple[str, str]]:
    """Problems (field, message) with entries before anything is written."""
    problems: list[tuple[str, str]] = []
    known = {p.entry_id for p in payloads}
    amended = [p.amends for p in payloads if p.amends is not None and p.amends not in known]
    found = (
        {e.id for e in repository.notebook_range(session, officer_id, ids=amended)}
        if amended
        else set()
    )
    for i, p in enumerate(payloads):
        if p.amends is not None and p.amends not in found and p.amends not in known:
            problems.append((f"{i}/amends", "names no earlier entry of yours"))
        if p.amends is not None and not (p.reason or "").strip():
            problems.append((f"{i}/reason", "an amendment must say why"))
        if p.amends is None and p.reason:
            problems.append((f"{i}/reason", "only an amendment has a reason"))
    return problems


def append_entries(
    session: Session,
    *,
    officer_id: uuid.UUID,
    device_id: uuid.UUID,
    payloads: Sequence[NotebookPayload],
    server_time: datetime,
) -> list[dict[str, Any]]:
    """Chain and insert entries (checked first by prepare_entries); returns the rows inserted.

    Rows go in with one bulk insert: a concurrent append for the same officer collides on the
    unique (officer_id, position) and the whole transaction is refused, so a chain never forks.
    """
    tip = repository.notebook_tip(session, officer_id)
    position, prev = tip if tip else (0, GENESIS)
    rows: list[dict[str, Any]] = []
    for p in payloads:
        position += 1
        row: dict[str, Any] = {
            "id": p.entry_id,
            "officer_id": officer_id,
            "position": position,
            "device_id": device_id,
            "device_number": p.device_number,
            "device_time": p.device_time.astimezone(UTC),
            "server_time": server_time,
            "text": p.text,
            "amends": p.amends,
            "reason": p.reason,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "prev_hash": prev,
            "hash": "",
        }
        row["hash"] = prev = entry_hash(entry_dict(row))
        rows.append(row)
    repository.insert_rows(session, NotebookEntry, rows)
    return rows


def list_entries(
    session: Session,
    *,
    actor: Actor,
    officer_id: uuid.UUID,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[NotebookEntry]:
    """An officer's entries in chain order (audited)."""
    entries = repository.notebook_range(session, officer_id, start=start, end=end)
    audit(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type="notebook",
        record_id=officer_id,
        detail={"returned": len(entries)},
    )
    return entries


def find_gaps(entries: Sequence[NotebookEntry]) -> list[Gap]:
    """Missing device entry numbers within what each device sent."""
    numbers: dict[uuid.UUID, set[int]] = defaultdict(set)
    for e in entries:
        numbers[e.device_id].add(e.device_number)
    gaps = []
    for device_id, seen in sorted(numbers.items(), key=lambda kv: str(kv[0])):
        missing = tuple(n for n in range(1, max(seen) + 1) if n not in seen)
        if missing:
            gaps.append(Gap(device_id, missing))
    return gaps


def export_manifest(
    session: Session, *, actor: Actor, username: str, start: datetime, end: datetime
) -> dict[str, Any]:
    """The court-export manifest of an officer's entries with server time in [start, end)."""
    officer = repository.user_by_username(session, username)
    if officer is None:
        raise NotFound(f"no user {username!r}")
    entries = repository.notebook_range(session, officer.id, start=start, end=end)
    gaps = find_gaps(repository.notebook_range(session, officer.id))
    audit(
        session,
        actor=actor,
        action=AuditAction.EXPORT,
        record_type="notebook",
        record_id=officer.id,
        detail={"entries": len(entries)},
    )
    return build_manifest(
        officer={
            "id": str(officer.id),
            "username": officer.username,
            "display_name": officer.display_name,
            "collar_number": officer.collar_number,
        },
        entries=[entry_dict(e) for e in entries],
        start=start,
        end=end,
        gaps=[{"device_id": str(g.device_id), "missing": list(g.missing)} for g in gaps],
    )
