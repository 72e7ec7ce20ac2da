"""Examiner review API: the queue of possible matches and the decision on one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from peelian.auth.dependencies import Principal, require
from peelian.auth.permissions import Permission
from peelian.biometrics.models.search import ReviewStatus
from peelian.biometrics.schemas.search import DecisionIn, ReviewRead
from peelian.biometrics.service import review
from peelian.biometrics.service.probe_cache import probe_cache_for
from peelian.web.deps import DbSession, State

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/biometrics/reviews", tags=["biometrics"])
Examiner = Annotated[Principal, Depends(require(Permission.BIO_REVIEW))]


@router.get("", response_model=list[ReviewRead])
def list_reviews(
    principal: Examiner,
    session: DbSession,
    state: State,
    status: Annotated[ReviewStatus | None, Query()] = ReviewStatus.PENDING,
) -> list[ReviewRead]:
    """Reviews in the queue (pending by default), oldest first."""
    cache = probe_cache_for(state)
    rows = review.list_reviews(session, actor=principal.actor, cache=cache, status=status)
    return [review.to_read(session, r, cache) for r in rows]


@router.post("/{review_id}/decision", response_model=ReviewRead)
def decide(
    review_id: uuid.UUID,
    body: DecisionIn,
    principal: Examiner,
    session: DbSession,
    state: State,
) -> ReviewRead:
    """Confirm or reject a possible match; the officer's device sees it on its next poll."""
    cache = probe_cache_for(state)
    done = review.decide(
        session,
        actor=principal.actor,
        examiner_id=principal.user.id,
        cache=cache,
        review_id=review_id,
        decision=body.decision,
        note=body.note,
    )
    return review.to_read(session, done, cache)
