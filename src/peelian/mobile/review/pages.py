"""Supervisor pages: the review queue (htmx decisions) and frontline time."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from peelian.auth.dependencies import Principal, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.core.errors import PeelianError
from peelian.mobile.models import SubmissionStatus
from peelian.mobile.review import frontline, service
from peelian.mobile.schemas import ReviewDecision
from peelian.web.deps import DbSession
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Review", "/mobile/review", Permission.SUBMISSIONS_REVIEW, order=40))
register_nav(NavItem("Frontline time", "/mobile/frontline", Permission.SUBMISSIONS_REVIEW, 41))
Reviewer = Annotated[Principal, Depends(require_page(Permission.SUBMISSIONS_REVIEW))]


@router.get("/mobile/review", response_class=HTMLResponse)
def queue(
    request: Request, session: DbSession, principal: Reviewer, status: str = "submitted"
) -> Response:
    """Submissions waiting for review."""
    chosen = SubmissionStatus(status) if status in set(SubmissionStatus) else None
    rows = service.list_submissions(session, actor=principal.actor, status=chosen)
    return render(
        request,
        "mobile/review.html",
        {"submissions": rows, "status": status, "statuses": list(SubmissionStatus)},
    )


@router.get("/mobile/review/{submission_id}", response_class=HTMLResponse)
def detail(
    request: Request, submission_id: uuid.UUID, session: DbSession, principal: Reviewer
) -> Response:
    """One submission with accept / return buttons."""
    sub = service.get_submission(session, actor=principal.actor, submission_id=submission_id)
    return render(request, "mobile/submission.html", {"s": sub, "errors": []})


@router.post("/mobile/review/{submission_id}", response_class=HTMLResponse)
def decide(
    request: Request,
    submission_id: uuid.UUID,
    session: DbSession,
    principal: Reviewer,
    decision: Annotated[str, Form(max_length=10)] = "",
    comments: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Record a decision; answers with the decision fragment (htmx) or the page."""
    errors = []
    try:
        if decision not in ("accept", "return"):
            raise ValueError("Choose accept or return")
        choice = ReviewDecision(decision=decision, comments=comments or None)  # type: ignore[arg-type]
        sub = service.decide(
            session, actor=principal.actor, submission_id=submission_id, decision=choice
        )
    except (PeelianError, ValueError) as exc:
        errors.append({"field": "comments", "message": str(exc)})
        sub = service.get_submission(session, actor=principal.actor, submission_id=submission_id)
    template = (
        "mobile/_decision.html" if request.headers.get("hx-request") else "mobile/submission.html"
    )
    return render(
        request, template, {"s": sub, "errors": errors}, status_code=400 if errors else 200
    )


@router.get("/mobile/frontline", response_class=HTMLResponse)
def frontline_page(request: Request, session: DbSession, principal: Reviewer) -> Response:
    """Mobile capture and time per form, against paper."""
    rows = frontline.frontline_time(session, actor=principal.actor)
    return render(request, "mobile/frontline.html", {"rows": rows})
