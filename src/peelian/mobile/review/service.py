"""Review rules: accept or return a submission; resolve a conflict keeping both versions."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.core.audit import Actor, AuditAction
from peelian.core.audit import record as audit
from peelian.core.errors import Conflict, InvalidInput, NotFound
from peelian.core.time import utcnow
from peelian.mobile import _records_bridge, repository
from peelian.mobile.models import (
    Briefing,
    ConflictStatus,
    Draft,
    Submission,
    SubmissionStatus,
    SyncConflict,
)
from peelian.mobile.schemas import BriefingCreate, ConflictResolve, ReviewDecision
from peelian.mobile.sync.changes import ChangeIn, officer_bucket, publish_changes, team_bucket

__all__ = [
    "create_briefing",
    "decide",
    "get_submission",
    "list_conflicts",
    "list_submissions",
    "resolve_conflict",
]


def list_submissions(
    session: Session,
    *,
    actor: Actor,
    status: SubmissionStatus | None = SubmissionStatus.SUBMITTED,
    limit: int = 100,
    offset: int = 0,
) -> list[Submission]:
    """Submissions for review, newest first (audited)."""
    rows = repository.submissions(session, status=status, limit=limit, offset=offset)
    audit(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="submission",
        detail={"status": status.value if status else None, "returned": len(rows)},
    )
    return rows


def get_submission(session: Session, *, actor: Actor, submission_id: uuid.UUID) -> Submission:
    """One submission (audited)."""
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise NotFound("no such submission")
    audit(session, actor=actor, action=AuditAction.READ, record_type="submission", record_id=sub.id)
    return sub


def decide(
    session: Session, *, actor: Actor, submission_id: uuid.UUID, decision: ReviewDecision
) -> Submission:
    """Accept (the submission becomes a record) or return it to the officer with comments."""
    sub = get_submission(session, actor=actor, submission_id=submission_id)
    if sub.status is SubmissionStatus.AWAITING_ATTACHMENTS:
        raise Conflict("its attachments are still arriving; review it once they have")
    if sub.status is not SubmissionStatus.SUBMITTED:
        raise Conflict(f"this submission is already {sub.status.value}")
    if decision.decision == "return" and not (decision.comments or "").strip():
        raise InvalidInput("say what the officer must change", extra={"action": "fix"})
    if decision.decision == "accept":
        # The record is made first, inside a savepoint: a submission that cannot be mapped
        # raises with nothing half-made, and stays submitted for the supervisor to return.
        with session.begin_nested():
            sub.record_ref = _records_bridge.record_for(session, actor=actor, submission=sub)
    sub.status = (
        SubmissionStatus.ACCEPTED if decision.decision == "accept" else SubmissionStatus.RETURNED
    )
    sub.review_comments = decision.comments
    sub.reviewed_by, sub.reviewed_at = actor.user_id, utcnow()
    publish_changes(
        session,
        [
            ChangeIn(
                officer_bucket(sub.officer_id),
                "submission",
                str(sub.id),
                {
                    "form_id": sub.form_id,
                    "status": sub.status.value,
                    "comments": sub.review_comments,
                },
            )
        ],
    )
    audit(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="submission",
        record_id=sub.id,
        detail={"status": sub.status.value},
    )
    session.flush()
    return sub


def list_conflicts(session: Session, *, actor: Actor, open_only: bool = True) -> list[SyncConflict]:
    """Conflicts waiting for a supervisor."""
    stmt = select(SyncConflict).order_by(SyncConflict.created_at)
    if open_only:
        stmt = stmt.where(SyncConflict.status == ConflictStatus.OPEN)
    rows = list(session.scalars(stmt))
    audit(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="sync_conflict",
        detail={"returned": len(rows)},
    )
    return rows


def resolve_conflict(
    session: Session, *, actor: Actor, conflict_id: uuid.UUID, choice: ConflictResolve
) -> SyncConflict:
    """Decide a conflict; both original versions stay on the conflict record."""
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound("no such conflict")
    if conflict.status is ConflictStatus.RESOLVED:
        raise Conflict("this conflict is already resolved")
    if choice.choose == "merged" and choice.data is None:
        raise InvalidInput("a merged resolution needs the merged data", extra={"action": "fix"})
    data = {"server": conflict.server_data, "device": conflict.device_data}.get(
        choice.choose, choice.data or {}
    )
    draft = session.get(Draft, conflict.draft_id)
    if draft is None:
        raise NotFound("the draft has gone")
    draft.data, draft.version, draft.updated_by, draft.updated_at = (
        dict(data),
        draft.version + 1,
        actor.user_id or conflict.officer_id,
        utcnow(),
    )
    conflict.status, conflict.resolution = ConflictStatus.RESOLVED, choice.choose
    conflict.resolved_by, conflict.resolved_at = actor.user_id, utcnow()
    if draft.team:
        publish_changes(
            session,
            [
                ChangeIn(
                    team_bucket(draft.team),
                    "draft",
                    str(draft.id),
                    {"version": draft.version, "data": draft.data},
                )
            ],
        )
    audit(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="sync_conflict",
        record_id=conflict.id,
        detail={"resolution": choice.choose},
    )
    session.flush()
    return conflict


def create_briefing(session: Session, *, actor: Actor, briefing_in: BriefingCreate) -> Briefing:
    """A briefing, sent to the team's devices through their bucket."""
    briefing = Briefing(**briefing_in.model_dump(), created_by=actor.user_id)
    session.add(briefing)
    session.flush()
    publish_changes(
        session,
        [
            ChangeIn(
                team_bucket(briefing.team),
                "briefing",
                str(briefing.id),
                {
                    "title": briefing.title,
                    "body": briefing.body,
                    "priority": briefing.priority,
                    "created_at": briefing.created_at.isoformat(),
                },
            )
        ],
    )
    audit(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type="briefing",
        record_id=briefing.id,
    )
    return briefing
