"""Searching and verifying the audit log on behalf of a signed-in auditor (itself audited)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction, AuditEvent, AuditQuery, AuditSigner, VerifyReport

__all__ = ["search_events", "verify_chain"]


def search_events(
    session: Session, *, actor: Actor, query: AuditQuery, purpose: str
) -> tuple[list[AuditEvent], int]:
    """Events matching the query; the search is recorded with its purpose."""
    events, total = audit.search(session, query)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="audit_log",
        purpose=purpose,
        detail={"record_type": query.record_type, "returned": len(events)},
    )
    return events, total


def verify_chain(session: Session, *, actor: Actor, signer: AuditSigner) -> VerifyReport:
    """Walk the whole chain; recorded after the walk so the walk covers what came before."""
    report = audit.verify(session, signer=signer)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type="audit_chain",
        outcome="ok" if report.ok else "broken",
        detail={"events": report.events},
    )
    return report
