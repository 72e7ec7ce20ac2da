"""The auditor's page: search the log with a stated purpose, verify the chain."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from peelian.accountability import service
from peelian.auth.dependencies import Principal, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.core.audit import AuditAction, AuditQuery
from peelian.web.deps import DbSession, State
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Audit log", "/audit", Permission.AUDIT_READ, order=90))

PAGE = 50


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(require_page(Permission.AUDIT_READ))],
    purpose: Annotated[str, Query(max_length=500)] = "",
    record_type: Annotated[str, Query(max_length=60)] = "",
    record_id: Annotated[str, Query(max_length=80)] = "",
    actor_id: Annotated[str, Query(max_length=40)] = "",
    action: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Search form and results; nothing is shown until a purpose is given."""
    form = {
        "purpose": purpose,
        "record_type": record_type,
        "record_id": record_id,
        "actor_id": actor_id,
        "action": action,
    }
    searched = any(form.values())
    errors = []
    if searched and len(purpose.strip()) < 5:
        errors.append({"field": "purpose", "message": "Enter why you are searching the audit log"})
    actor_uuid = None
    if actor_id:
        try:
            actor_uuid = uuid.UUID(actor_id)
        except ValueError:
            errors.append({"field": "actor_id", "message": "Actor id must be a user id (a UUID)"})
    if action and action not in {a.value for a in AuditAction}:
        errors.append({"field": "action", "message": "Choose an action from the list"})
    context: dict[str, object] = {
        "form": form,
        "errors": errors,
        "actions": list(AuditAction),
        "events": [],
        "total": 0,
        "page": page,
        "page_size": PAGE,
    }
    if searched and not errors:
        query = AuditQuery(
            actor_id=actor_uuid,
            record_type=record_type or None,
            record_id=record_id or None,
            action=AuditAction(action) if action else None,
            limit=PAGE,
            offset=(page - 1) * PAGE,
        )
        events, total = service.search_events(
            session, actor=principal.actor, query=query, purpose=purpose.strip()
        )
        context.update(events=events, total=total)
    return render(request, "accountability/audit.html", context, status_code=400 if errors else 200)


@router.post("/audit/verify", response_class=HTMLResponse)
def audit_verify(
    request: Request,
    session: DbSession,
    state: State,
    principal: Annotated[Principal, Depends(require_page(Permission.AUDIT_VERIFY))],
) -> Response:
    """Verify the chain and show the outcome (an htmx fragment)."""
    report = service.verify_chain(session, actor=principal.actor, signer=state.signer)
    return render(request, "accountability/verify_result.html", {"report": report})
