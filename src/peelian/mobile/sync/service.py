"""Push (exactly once per device seq, signed receipts), pull (buckets by cursor) and info."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peelian.auth.models import User
from peelian.core.audit import Actor, AuditAction
from peelian.core.audit import record as audit
from peelian.core.errors import Conflict, FieldError, InvalidInput
from peelian.core.time import utcnow
from peelian.mobile import repository
from peelian.mobile.errors import OperationInvalid, SequenceGap, SequenceReused, problem
from peelian.mobile.models import SyncOperation
from peelian.mobile.schemas import (
    Change,
    Operation,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)
from peelian.mobile.schemas import Receipt as ReceiptOut
from peelian.mobile.sync.apply import Batch, Outcome, apply_batch, check_batch
from peelian.mobile.sync.changes import buckets_for, publish_changes
from peelian.mobile.sync.protocol import (
    ReceiptSigner,
    decode_cursor,
    encode_cursor,
    payload_sha256,
    receipt_message,
)

__all__ = ["DeviceCaller", "last_seq", "pull", "push"]


@dataclass(frozen=True)
class DeviceCaller:
    """The signed-in officer on a registered device."""

    user: User
    device_id: uuid.UUID
    actor: Actor


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _receipt(signer: ReceiptSigner, row: Row[Any]) -> ReceiptOut:
    received = _iso(row.received_at)
    return ReceiptOut(
        op_id=row.op_id,
        seq=row.seq,
        status=row.status,
        payload_sha256=row.payload_sha256,
        received_at=received,
        record_id=row.record_id,
        key_id=signer.key_id,
        signature=row.signature,
    )


def last_seq(session: Session, device_id: uuid.UUID) -> int:
    """The device's highest applied sequence number."""
    return repository.last_seq(session, device_id)


def _check_order(batch: PushRequest) -> None:
    first = batch.ops[0].seq
    for i, op in enumerate(batch.ops):
        if op.seq != first + i:
            raise problem(
                OperationInvalid,
                "operations in a batch must have consecutive seq numbers, ascending",
                "fix",
                errors=[FieldError(f"/ops/{i}/seq", f"expected {first + i}")],
            )


def push(
    session: Session,
    *,
    caller: DeviceCaller,
    batch: PushRequest,
    signer: ReceiptSigner,
    max_attachment_bytes: int,
    blob_exists: Callable[[str], bool],
) -> PushResponse:
    """Apply a batch exactly once; replays get their stored receipts back."""
    _check_order(batch)
    repository.lock_device_log(session, caller.device_id)
    last = repository.last_seq(session, caller.device_id)
    first = batch.ops[0].seq
    if first > last + 1:
        raise problem(
            SequenceGap,
            f"the next operation must have seq {last + 1}, not {first}",
            "resend",
            expected_seq=last + 1,
        )
    hashes = [payload_sha256(op.payload) for op in batch.ops]
    replayed = [op for op in batch.ops if op.seq <= last]
    fresh = [op for op in batch.ops if op.seq > last]
    by_seq = _check_replays(session, caller.device_id, batch, hashes, last)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    if fresh:
        try:
            rows = _apply(
                session,
                caller,
                fresh,
                hashes[len(replayed) :],
                now=now,
                signer=signer,
                max_attachment_bytes=max_attachment_bytes,
                blob_exists=blob_exists,
            )
        except IntegrityError as exc:
            # A concurrent push for this device (or this officer's notebook) committed first:
            # nothing of this one is kept, and sending the same batch again is safe.
            raise problem(
                Conflict, "a concurrent push got there first; send the batch again", "retry"
            ) from exc
    receipts = [_receipt(signer, by_seq[op.seq]) for op in replayed]
    received = _iso(now)
    # Built from values this function made itself, so they skip validation.
    receipts += [
        ReceiptOut.model_construct(
            op_id=r["op_id"],
            seq=r["seq"],
            status=r["status"],
            payload_sha256=r["payload_sha256"],
            received_at=received,
            record_id=r["record_id"],
            key_id=signer.key_id,
            signature=r["signature"],
        )
        for r in rows
    ]
    return PushResponse(receipts=receipts, last_seq=max(last, batch.ops[-1].seq), server_time=now)


def _check_replays(
    session: Session, device_id: uuid.UUID, batch: PushRequest, hashes: list[str], last: int
) -> dict[int, Row[Any]]:
    """Stored ops for replayed seqs; refuse a seq or op id reused for something else."""
    replayed = [op for op in batch.ops if op.seq <= last]
    fresh_ids = [op.id for op in batch.ops if op.seq > last]
    stored = repository.stored_ops(session, device_id, [op.seq for op in replayed])
    by_seq = {row.seq: row for row in stored}
    used = repository.used_op_ids(session, fresh_ids)
    seen: set[uuid.UUID] = set()
    for op, sha in zip(batch.ops, hashes, strict=True):
        row = by_seq.get(op.seq) if op.seq <= last else None
        clash = (row is not None and (row.op_id != op.id or row.payload_sha256 != sha)) or (
            op.seq > last and (op.id in used or op.id in seen)
        )
        seen.add(op.id)
        if clash:
            raise problem(
                SequenceReused,
                f"seq {op.seq} or op {op.id} was already used for a different operation",
                "fix",
                seq=op.seq,
                op_id=str(op.id),
            )
    return by_seq


def _apply(
    session: Session,
    caller: DeviceCaller,
    fresh: list[Operation],
    hashes: list[str],
    *,
    now: datetime,
    signer: ReceiptSigner,
    max_attachment_bytes: int,
    blob_exists: Callable[[str], bool],
) -> list[dict[str, Any]]:
    """Check and apply new ops; record each with its signed receipt; audit the batch."""
    checked = Batch(user=caller.user, device_id=caller.device_id, ops=fresh)
    check_batch(session, checked, max_attachment_bytes=max_attachment_bytes)
    outcomes, changes = apply_batch(session, checked, now=now, blob_exists=blob_exists)
    received, device = _iso(now), str(caller.device_id)
    rows = []
    for op, outcome, sha in zip(fresh, outcomes, hashes, strict=True):
        message = receipt_message(device, op.seq, str(op.id), sha, outcome.status, received)
        rows.append(
            {
                "device_id": caller.device_id,
                "seq": op.seq,
                "op_id": op.id,
                "kind": op.kind,
                "officer_id": caller.user.id,
                "payload_sha256": sha,
                "status": outcome.status,
                "record_id": outcome.record_id,
                "received_at": now,
                "signature": signer.sign(message),
            }
        )
    repository.insert_rows(session, SyncOperation, rows)
    publish_changes(session, changes)
    audit(
        session,
        actor=caller.actor,
        action=AuditAction.CREATE,
        record_type="sync_batch",
        record_id=f"{caller.device_id}:{fresh[0].seq}-{fresh[-1].seq}",
        detail={
            "ops": len(fresh),
            "kinds": sorted({op.kind for op in fresh}),
            "statuses": sorted({o.status for o in outcomes}),
            "records": _written(fresh, outcomes),
        },
    )
    session.flush()
    return rows


def _written(ops: list[Operation], outcomes: list[Outcome]) -> dict[str, list[str]]:
    """The ids of the records a batch wrote, by operation kind: one audit event names them all."""
    written: dict[str, list[str]] = {}
    for op, outcome in zip(ops, outcomes, strict=True):
        if outcome.status != "duplicate" and outcome.record_id is not None:
            written.setdefault(op.kind, []).append(str(outcome.record_id))
    return written


def pull(session: Session, *, caller: DeviceCaller, request: PullRequest) -> PullResponse:
    """Changes for the caller's buckets in priority order, up to the limit, with new cursors."""
    buckets = buckets_for(caller.user)
    positions: dict[str, int] = {}
    for bucket in buckets:
        try:
            positions[bucket] = decode_cursor(request.cursors.get(bucket))
        except ValueError as exc:
            raise InvalidInput(
                f"the cursor for {bucket} is not valid", extra={"action": "fix"}
            ) from exc
    changes: list[Change] = []
    room = request.limit
    complete = True
    for bucket in buckets:
        if room <= 0:
            complete = False
            break
        rows = repository.changes_after(session, bucket, positions[bucket], room + 1)
        if len(rows) > room:
            rows, complete = rows[:room], False
        for row in rows:
            changes.append(
                Change(
                    bucket=bucket,
                    record_type=row.record_type,
                    record_id=row.record_id,
                    op=row.op,
                    data=row.data,
                )
            )
            positions[bucket] = row.seq
        room -= len(rows)
    audit(
        session,
        actor=caller.actor,
        action=AuditAction.READ,
        record_type="sync_pull",
        detail={"changes": len(changes), "buckets": len(buckets)},
    )
    return PullResponse(
        buckets=buckets,
        changes=changes,
        cursors={b: encode_cursor(p) for b, p in positions.items()},
        complete=complete,
        server_time=utcnow(),
    )
