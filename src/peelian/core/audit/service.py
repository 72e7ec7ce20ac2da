"""Append to, search and verify the audit chain. Never commits: the caller's unit of work does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from peelian.core.audit.chain import GENESIS_HASH, canonical_event, event_hash
from peelian.core.audit.models import AuditAction, AuditChainHead, AuditCheckpoint, AuditEvent
from peelian.core.audit.signing import AuditSigner
from peelian.core.ids import uuid7
from peelian.core.time import utcnow

__all__ = ["Actor", "AuditQuery", "VerifyReport", "checkpoint", "record", "search", "verify"]

HEAD_ID = 1
_BATCH = 2000


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user in a role, maybe on a registered device, in a request."""

    user_id: uuid.UUID | None
    role: str | None
    device_id: uuid.UUID | None = None
    request_id: str | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """An actor for jobs and the CLI when no user is signed in."""
        return cls(user_id=None, role=name)


_HEAD = cast(Table, AuditChainHead.__table__)
_EVENTS = cast(Table, AuditEvent.__table__)


def _advance_head(session: Session) -> tuple[int, str]:
    """Take the chain's write lock by bumping the head; return (new seq, previous hash)."""
    row = session.execute(
        update(_HEAD)
        .where(_HEAD.c.id == HEAD_ID)
        .values(last_seq=_HEAD.c.last_seq + 1)
        .returning(_HEAD.c.last_seq, _HEAD.c.last_hash)
    ).one_or_none()
    if row is None:
        raise RuntimeError("audit chain head is missing: run `peelian db upgrade`")
    return int(row[0]), str(row[1])


def record(
    session: Session,
    *,
    actor: Actor,
    action: AuditAction,
    record_type: str,
    record_id: str | uuid.UUID | None = None,
    purpose: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    Core statements, not the ORM unit of work: every request appends, so the append is kept to
    three plain statements (bump the head, insert the event, store the new head hash). The
    caller's pending changes are flushed first, as the ORM's autoflush did before. The event
    returned is a detached snapshot of the row written.
    """
    session.flush()
    seq, prev_hash = _advance_head(session)
    values: dict[str, Any] = {
        "seq": seq,
        "id": uuid7(),
        "occurred_at": utcnow(),
        "actor_id": actor.user_id,
        "actor_role": actor.role,
        "device_id": actor.device_id,
        "action": action,
        "record_type": record_type,
        "record_id": None if record_id is None else str(record_id),
        "purpose": purpose,
        "outcome": outcome,
        "request_id": actor.request_id,
        "detail": dict(detail or {}),
        "prev_hash": prev_hash,
    }
    event = AuditEvent(**values)
    event.hash = values["hash"] = event_hash(prev_hash, _canonical(event))
    session.execute(_EVENTS.insert(), values)
    session.execute(update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(last_hash=event.hash))
    return event


def _canonical(event: Any) -> bytes:
    return canonical_event(
        seq=event.seq,
        event_id=event.id,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        device_id=event.device_id,
        action=AuditAction(event.action).value,
        record_type=event.record_type,
        record_id=event.record_id,
        purpose=event.purpose,
        outcome=event.outcome,
        request_id=event.request_id,
        detail=event.detail,
    )


def checkpoint(session: Session, *, signer: AuditSigner) -> AuditCheckpoint | None:
    """Sign the chain's current head; None when the log is still empty."""
    head = session.get(AuditChainHead, HEAD_ID)
    if head is None or head.last_seq == 0:
        return None
    cp = AuditCheckpoint(
        seq=head.last_seq,
        hash=head.last_hash,
        key_id=signer.key_id,
        signature=signer.sign(head.last_seq, head.last_hash),
    )
    session.add(cp)
    session.flush()
    return cp


@dataclass
class VerifyReport:
    """The outcome of walking the chain."""

    events: int = 0
    checkpoints: int = 0
    broken_seq: int | None = None
    broken_id: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return self.reason is None


def _walk(session: Session) -> Iterator[Any]:
    # Plain rows, not ORM objects: the walk reads what is stored, and a long log does not pile
    # up in the session's identity map.
    table = AuditEvent.__table__
    last = 0
    while True:
        batch = session.execute(
            select(table).where(table.c.seq > last).order_by(table.c.seq).limit(_BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify(
    session: Session, *, signer: AuditSigner | None = None, progress: Any = None
) -> VerifyReport:
    """Walk the chain from the start and name the first event that does not fit."""
    report = VerifyReport()
    prev_hash, expected_seq = GENESIS_HASH, 1
    hashes: dict[int, str] = {}
    checkpoints = session.scalars(
        select(AuditCheckpoint)
        .order_by(AuditCheckpoint.seq)
        .execution_options(populate_existing=True)
    ).all()
    wanted = {cp.seq for cp in checkpoints}
    for event in _walk(session):
        report.events += 1
        problem = None
        if event.seq != expected_seq:
            report.broken_seq = expected_seq
            report.reason = f"event #{expected_seq} is missing (the next present is #{event.seq})"
            return report
        if event.prev_hash != prev_hash:
            problem = "its previous-hash link does not match the event before it"
        elif event_hash(event.prev_hash, _canonical(event)) != event.hash:
            problem = "its contents do not match its hash (altered)"
        if problem is not None:
            return _broken(report, event, problem)
        if event.seq in wanted:
            hashes[event.seq] = event.hash
        prev_hash, expected_seq = event.hash, event.seq + 1
        if progress is not None:
            progress(1)
    head = session.get(AuditChainHead, HEAD_ID, populate_existing=True)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        report.broken_seq = expected_seq
        report.reason = f"the chain ends at #{expected_seq - 1} but its head names #{head.last_seq}"
        return report
    return _verify_checkpoints(report, checkpoints, hashes, signer)


def _broken(report: VerifyReport, event: Any, reason: str) -> VerifyReport:
    report.broken_seq, report.broken_id, report.reason = event.seq, str(event.id), reason
    return report


def _verify_checkpoints(
    report: VerifyReport,
    checkpoints: Sequence[AuditCheckpoint],
    hashes: dict[int, str],
    signer: AuditSigner | None,
) -> VerifyReport:
    for cp in checkpoints:
        report.checkpoints += 1
        if hashes.get(cp.seq) != cp.hash:
            report.broken_seq = cp.seq
            report.reason = f"checkpoint at #{cp.seq} does not match the chain there"
            return report
        if signer is not None and not signer.verify(cp.seq, cp.hash, cp.signature):
            report.broken_seq = cp.seq
            report.reason = f"checkpoint at #{cp.seq} has a signature this key did not make"
            return report
    return report


@dataclass(frozen=True)
class AuditQuery:
    """Filters for searching the log; all optional."""

    actor_id: uuid.UUID | None = None
    record_type: str | None = None
    record_id: str | None = None
    action: AuditAction | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0


def search(session: Session, query: AuditQuery) -> tuple[list[AuditEvent], int]:
    """Events matching the query, newest first, with the total count."""
    stmt = select(AuditEvent)
    if query.actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == query.actor_id)
    if query.record_type:
        stmt = stmt.where(AuditEvent.record_type == query.record_type)
    if query.record_id:
        stmt = stmt.where(AuditEvent.record_id == query.record_id)
    if query.action is not None:
        stmt = stmt.where(AuditEvent.action == query.action)
    if query.since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= query.since)
    if query.until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < query.until)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(AuditEvent.seq.desc()).limit(query.limit).offset(query.offset)
    ).all()
    return list(rows), int(total)
