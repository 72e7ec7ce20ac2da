"""Examiner review of possible matches: queue, side-by-side comparison, confirm or reject.

The review row is metadata; the probe is in :mod:`.probe_cache` until the examiner decides or
the review expires (then "expired — probe discarded"). A decision updates the search, so the
officer's device sees it on its next poll of ``GET /api/v1/biometrics/searches/{id}``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from peelian.biometrics import engine
from peelian.biometrics.models.search import BioReview, BioSearch, Outcome, ReviewStatus
from peelian.biometrics.schemas.search import ReviewRead
from peelian.biometrics.service.probe_cache import ProbeCache, ProbeFinger
from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import Conflict, NotFound
from peelian.core.time import as_utc, utcnow
from peelian.records.checks import Colour
from peelian.records.service.check import check_person

__all__ = [
    "CandidatePrint",
    "PrintLookup",
    "comparison_png",
    "decide",
    "expire_due",
    "get_review",
    "list_reviews",
    "review_of_search",
    "to_read",
]


@dataclass(frozen=True)
class CandidatePrint:
    """An enrolled finger of the candidate: its template and, when kept, its image."""

    template: engine.Template
    image_png: bytes | None


PrintLookup = Callable[[uuid.UUID, int], CandidatePrint | None]
"""Finds a candidate's enrolled finger (person id, finger position)."""


def expire_due(session: Session, *, cache: ProbeCache) -> int:
    """Mark pending reviews past their time as expired (their probes are already purged)."""
    cache.purge()
    result = session.execute(
        update(BioReview)
        .where(BioReview.status == ReviewStatus.PENDING, BioReview.expires_at <= utcnow())
        .values(status=ReviewStatus.EXPIRED)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def review_of_search(session: Session, search_id: uuid.UUID) -> BioReview | None:
    """The review of a search, if it needed one."""
    return session.scalars(select(BioReview).where(BioReview.search_id == search_id)).first()


def list_reviews(
    session: Session, *, actor: Actor, cache: ProbeCache, status: ReviewStatus | None
) -> list[BioReview]:
    """Reviews, oldest first (pending ones by default); expired ones are marked first."""
    expire_due(session, cache=cache)
    query = select(BioReview).order_by(BioReview.created_at).limit(200)
    if status is not None:
        query = query.where(BioReview.status == status)
    reviews = list(session.scalars(query))
    audit.record(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type="bio_review_queue",
        detail={"status": status.value if status else None, "count": len(reviews)},
    )
    return reviews


def get_review(session: Session, *, cache: ProbeCache, review_id: uuid.UUID) -> BioReview:
    """One review (expired first if due)."""
    expire_due(session, cache=cache)
    review = session.get(BioReview, review_id)
    if review is None:
        raise NotFound("no such review")
    return review


def to_read(session: Session, review: BioReview, cache: ProbeCache) -> ReviewRead:
    """A review for the API."""
    search = session.get(BioSearch, review.search_id)
    return ReviewRead(
        id=review.id,
        search_id=review.search_id,
        status=review.status,
        created_at=as_utc(review.created_at),
        expires_at=as_utc(review.expires_at),
        candidate_person_id=review.candidate_person_id,
        candidate_score=review.candidate_score,
        finger_positions=list(search.finger_positions) if search else [],
        probe_available=cache.get(review.id) is not None,
    )


def decide(
    session: Session,
    *,
    actor: Actor,
    examiner_id: uuid.UUID,
    cache: ProbeCache,
    review_id: uuid.UUID,
    decision: str,
    note: str | None,
) -> BioReview:
    """Confirm or reject a pending possible match; the probe is dropped either way."""
    review = get_review(session, cache=cache, review_id=review_id)
    if review.status is ReviewStatus.EXPIRED:
        raise Conflict("this review expired — the probe was discarded; nothing can be decided")
    if review.status is not ReviewStatus.PENDING:
        raise Conflict(f"this review was already decided ({review.status.value})")
    search = session.get(BioSearch, review.search_id)
    assert search is not None
    review.status = ReviewStatus.CONFIRMED if decision == "confirm" else ReviewStatus.REJECTED
    review.decided_by, review.decided_at = examiner_id, utcnow()
    review.note = (note or "").strip() or None
    if review.status is ReviewStatus.CONFIRMED:
        check = check_person(
            session,
            actor=actor,
            person_id=review.candidate_person_id,
            purpose=f"Fingerprint examiner review {review.id}: confirming a possible match",
        )
        search.identified, search.person_id = True, check.person_id
        search.outcome = {Colour.RED: Outcome.RED, Colour.AMBER: Outcome.AMBER}.get(
            check.colour, Outcome.GREEN
        )
    else:
        search.outcome = Outcome.GREEN
    cache.drop(review.id)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="bio_review",
        record_id=review.id,
        detail={
            "decision": review.status.value,
            "search_id": str(search.id),
            "person_id": str(review.candidate_person_id),
        },
    )
    return review


def _placeholder(template: engine.Template) -> npt.NDArray[np.uint8]:
    # A template without its image is drawn on a faint gradient (the renderer needs contrast).
    w, h = max(template.width, 100), max(template.height, 100)
    ramp = np.linspace(215, 255, w, dtype=np.float32)
    return np.ascontiguousarray(np.broadcast_to(ramp, (h, w)).astype(np.uint8))


def comparison_png(
    session: Session,
    *,
    actor: Actor,
    cache: ProbeCache,
    review_id: uuid.UUID,
    position: int,
    lookup: PrintLookup,
) -> bytes | None:
    """Probe and candidate side by side with paired minutiae (PNG, memory only).

    None when the probe is gone (decided or expired). The candidate's enrolled image is used
    when enrolment kept one, else its template is drawn on a plain background.
    """
    review = get_review(session, cache=cache, review_id=review_id)
    held = cache.get(review.id) if review.status is ReviewStatus.PENDING else None
    probe: ProbeFinger | None = next((f for f in held or () if f.position == position), None)
    if probe is None:
        return None
    candidate = lookup(review.candidate_person_id, position)
    if candidate is None:
        raise NotFound(f"the candidate has no enrolled finger {position}")
    audit.record(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type="bio_review",
        record_id=review.id,
        detail={"comparison_finger": position, "person_id": str(review.candidate_person_id)},
    )
    explanation = engine.explain(probe.template, candidate.template)
    probe_image = probe.image if probe.image is not None else _placeholder(probe.template)
    candidate_image: bytes | npt.NDArray[np.uint8] = (
        candidate.image_png if candidate.image_png is not None else _placeholder(candidate.template)
    )
    return engine.render_comparison(
        probe_image,
        probe.template,
        candidate_image,
        candidate.template,
        explanation,
        title=f"finger {position}: probe (left) / enrolled (right), score "
        f"{explanation.score:.0f}, {len(explanation.pairs)} paired minutiae",
    )
