"""JSON API for supervisors: review submissions, resolve conflicts, brief teams, frontline time."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from peelian.auth.dependencies import Principal, require
from peelian.auth.permissions import Permission
from peelian.mobile.models import SubmissionStatus
from peelian.mobile.review import frontline, service
from peelian.mobile.schemas import (
    BriefingCreate,
    ConflictRead,
    ConflictResolve,
    ReviewDecision,
    SubmissionRead,
)
from peelian.web.deps import DbSession

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/mobile", tags=["mobile review"])
Reviewer = Annotated[Principal, Depends(require(Permission.SUBMISSIONS_REVIEW))]


class BaselineSet(BaseModel):
    """Paper minutes for a form."""

    model_config = ConfigDict(extra="forbid")

    minutes: float = Field(gt=0, le=1440)
    source: str = Field(min_length=3, max_length=200)


@router.get("/submissions", response_model=list[SubmissionRead])
def list_submissions(
    principal: Reviewer,
    session: DbSession,
    status: SubmissionStatus | None = SubmissionStatus.SUBMITTED,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[SubmissionRead]:
    """Submissions waiting for review (or of another status)."""
    rows = service.list_submissions(
        session, actor=principal.actor, status=status, limit=limit, offset=offset
    )
    return [SubmissionRead.model_validate(r) for r in rows]


@router.get("/submissions/{submission_id}", response_model=SubmissionRead)
def get_submission(
    submission_id: uuid.UUID, principal: Reviewer, session: DbSession
) -> SubmissionRead:
    """One submission."""
    return SubmissionRead.model_validate(
        service.get_submission(session, actor=principal.actor, submission_id=submission_id)
    )


@router.post("/submissions/{submission_id}/review", response_model=SubmissionRead)
def review(
    submission_id: uuid.UUID, body: ReviewDecision, principal: Reviewer, session: DbSession
) -> SubmissionRead:
    """Accept a submission or return it with comments; the officer's device is told."""
    return SubmissionRead.model_validate(
        service.decide(session, actor=principal.actor, submission_id=submission_id, decision=body)
    )


@router.get("/conflicts", response_model=list[ConflictRead])
def list_conflicts(principal: Reviewer, session: DbSession) -> list[ConflictRead]:
    """Open sync conflicts, oldest first."""
    return [
        ConflictRead.model_validate(c)
        for c in service.list_conflicts(session, actor=principal.actor)
    ]


@router.post("/conflicts/{conflict_id}/resolve", response_model=ConflictRead)
def resolve_conflict(
    conflict_id: uuid.UUID, body: ConflictResolve, principal: Reviewer, session: DbSession
) -> ConflictRead:
    """Keep the server's version, the device's, or a merged one."""
    return ConflictRead.model_validate(
        service.resolve_conflict(
            session, actor=principal.actor, conflict_id=conflict_id, choice=body
        )
    )


@router.post("/briefings", status_code=201)
def create_briefing(
    body: BriefingCreate,
    principal: Annotated[Principal, Depends(require(Permission.BRIEFINGS_WRITE))],
    session: DbSession,
) -> dict[str, str]:
    """Brief a team's devices."""
    briefing = service.create_briefing(session, actor=principal.actor, briefing_in=body)
    return {"id": str(briefing.id)}


@router.get("/frontline-time")
def frontline_time(
    principal: Reviewer, session: DbSession, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Records captured on mobile per team and form, minutes each took, against paper."""
    rows = frontline.frontline_time(session, actor=principal.actor, since=since)
    return [asdict(r) for r in rows]


@router.put("/frontline-time/baselines/{form_id}")
def set_baseline(
    form_id: Annotated[str, Field(max_length=64)],
    body: BaselineSet,
    principal: Annotated[Principal, Depends(require(Permission.FORMS_PUBLISH))],
    session: DbSession,
) -> dict[str, Any]:
    """Set how many minutes a form takes on paper."""
    row = frontline.set_baseline(
        session, actor=principal.actor, form_id=form_id, minutes=body.minutes, source=body.source
    )
    return {"form_id": row.form_id, "minutes": row.minutes, "source": row.source}
