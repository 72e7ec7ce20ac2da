"""The fingerprint examiner's pages: the queue, a side-by-side review, confirm or reject."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from peelian.auth.dependencies import Principal, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.biometrics.models.search import ReviewStatus
from peelian.biometrics.service import review
from peelian.biometrics.service.enrolment import enrolled_finger
from peelian.biometrics.service.probe_cache import probe_cache_for
from peelian.core.errors import Conflict, NotFound
from peelian.core.storage import NullBlobStore
from peelian.web.deps import DbSession, State
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Fingerprint reviews", "/biometrics/reviews", Permission.BIO_REVIEW, order=41))
Examiner = Annotated[Principal, Depends(require_page(Permission.BIO_REVIEW))]


@router.get("/biometrics/reviews", response_class=HTMLResponse)
def queue_page(request: Request, session: DbSession, state: State, principal: Examiner) -> Response:
    """Pending possible matches, oldest first."""
    cache = probe_cache_for(state)
    rows = review.list_reviews(
        session, actor=principal.actor, cache=cache, status=ReviewStatus.PENDING
    )
    reads = [review.to_read(session, r, cache) for r in rows]
    return render(request, "biometrics/reviews.html", {"reviews": reads})


@router.get("/biometrics/reviews/{review_id}", response_class=HTMLResponse)
def review_page(
    request: Request, session: DbSession, state: State, principal: Examiner, review_id: uuid.UUID
) -> Response:
    """Probe and candidate side by side with paired minutiae, and the decision form."""
    cache = probe_cache_for(state)
    row = review.get_review(session, cache=cache, review_id=review_id)
    read = review.to_read(session, row, cache)
    return render(request, "biometrics/review.html", {"review": read, "errors": []})


@router.get("/biometrics/reviews/{review_id}/fingers/{position}.png")
def comparison(
    session: DbSession, state: State, principal: Examiner, review_id: uuid.UUID, position: int
) -> Response:
    """The comparison image of one probe finger, drawn in memory and never stored."""
    store = state.blob_store or NullBlobStore()

    def lookup(person_id: uuid.UUID, finger: int) -> review.CandidatePrint | None:
        found = enrolled_finger(session, store, person_id=person_id, finger_position=finger)
        return None if found is None else review.CandidatePrint(found.template, found.image_png)

    png = review.comparison_png(
        session,
        actor=principal.actor,
        cache=probe_cache_for(state),
        review_id=review_id,
        position=position,
        lookup=lookup,
    )
    if png is None:
        raise NotFound("expired — probe discarded")
    return Response(png, media_type="image/png")


@router.post("/biometrics/reviews/{review_id}/decision", response_class=HTMLResponse)
async def decide_page(
    request: Request, session: DbSession, state: State, principal: Examiner, review_id: uuid.UUID
) -> Response:
    """Confirm or reject; the officer's device sees the decision on its next poll."""
    form = await request.form()
    decision, note = str(form.get("decision") or ""), str(form.get("note") or "")
    cache = probe_cache_for(state)
    errors = []
    if decision not in ("confirm", "reject"):
        errors.append({"field": "decision", "message": "Choose confirm or reject"})
    else:
        try:
            review.decide(
                session, actor=principal.actor, examiner_id=principal.user.id, cache=cache,
                review_id=review_id, decision=decision, note=note[:500],
            )  # fmt: skip
            return RedirectResponse("/biometrics/reviews", status_code=303)
        except Conflict as exc:
            errors.append({"field": "decision", "message": exc.detail})
    row = review.get_review(session, cache=cache, review_id=review_id)
    read = review.to_read(session, row, cache)
    return render(request, "biometrics/review.html", {"review": read, "errors": errors},
                  status_code=400)  # fmt: skip
