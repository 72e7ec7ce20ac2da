"""Auditor API: search the log (with a purpose), verify the chain, sign a checkpoint."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from peelian.accountability import service
from peelian.accountability.schemas import AuditEventRead, AuditPage, VerifyRead
from peelian.auth.dependencies import Principal, Purpose, require
from peelian.auth.permissions import Permission
from peelian.core import audit
from peelian.core.audit import AuditAction, AuditQuery
from peelian.core.errors import Conflict
from peelian.web.deps import DbSession, State

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("/events", response_model=AuditPage)
def search(
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.AUDIT_READ))],
    purpose: Purpose,
    actor_id: uuid.UUID | None = None,
    record_type: Annotated[str | None, Query(max_length=60)] = None,
    record_id: Annotated[str | None, Query(max_length=80)] = None,
    action: AuditAction | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditPage:
    """Search the audit log, newest first."""
    query = AuditQuery(
        actor_id=actor_id,
        record_type=record_type,
        record_id=record_id,
        action=action,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    events, total = service.search_events(
        session, actor=principal.actor, query=query, purpose=purpose
    )
    return AuditPage(total=total, items=[AuditEventRead.model_validate(e) for e in events])


@router.post("/verify", response_model=VerifyRead)
def verify(
    session: DbSession,
    state: State,
    principal: Annotated[Principal, Depends(require(Permission.AUDIT_VERIFY))],
) -> VerifyRead:
    """Walk the chain and its signed checkpoints; name the first broken event."""
    report = service.verify_chain(session, actor=principal.actor, signer=state.signer)
    return VerifyRead(
        ok=report.ok,
        events=report.events,
        checkpoints=report.checkpoints,
        broken_seq=report.broken_seq,
        broken_id=report.broken_id,
        reason=report.reason,
    )


@router.post("/checkpoints", status_code=201)
def sign_checkpoint(
    session: DbSession,
    state: State,
    principal: Annotated[Principal, Depends(require(Permission.AUDIT_VERIFY))],
) -> dict[str, object]:
    """Sign the chain's current head now (a job also does this periodically)."""
    cp = audit.checkpoint(session, signer=state.signer)
    if cp is None:
        raise Conflict("the audit log is empty")
    return {"seq": cp.seq, "hash": cp.hash, "key_id": cp.key_id, "signature": cp.signature}
