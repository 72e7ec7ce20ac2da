"""Incident pages: list, open, view, move along the workflow, and the team's CSV export."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from peelian.auth.dependencies import Principal, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission, has_permission
from peelian.core.errors import PeelianError
from peelian.records.codes import (
    INCIDENT_TRANSITIONS,
    NSIR_CATEGORIES,
    NSIR_QUALIFIERS,
    IncidentGrade,
    IncidentStatus,
)
from peelian.records.pages._forms import error_status, errors_of, form_value
from peelian.records.schemas import IncidentCreate, IncidentUpdate, StatusChange
from peelian.records.service import incidents, statements
from peelian.web.deps import DbSession
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Incidents", "/incidents", Permission.INCIDENTS_READ, order=30))

PAGE = 50
Reader = Annotated[Principal, Depends(require_page(Permission.INCIDENTS_READ))]
Writer = Annotated[Principal, Depends(require_page(Permission.INCIDENTS_WRITE))]


@router.get("/incidents", response_class=HTMLResponse)
def list_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    status: Annotated[str, Query(max_length=30)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Incidents, newest first, filtered by status."""
    errors = []
    chosen = None
    if status:
        try:
            chosen = IncidentStatus(status)
        except ValueError:
            errors.append({"field": "status", "message": "Choose a status from the list"})
    rows, total = incidents.list_incidents(
        session, status=chosen, limit=PAGE, offset=(page - 1) * PAGE
    )
    context = {"incidents": rows, "total": total, "page": page, "page_size": PAGE,
               "status": status, "statuses": list(IncidentStatus), "errors": errors}  # fmt: skip
    status_code = error_status(request, errors)
    return render(request, "records/incidents.html", context, status_code=status_code)


def _form_context(data: dict[str, Any], errors: list[dict[str, str]]) -> dict[str, Any]:
    return {"form": data, "errors": errors, "categories": NSIR_CATEGORIES,
            "qualifiers": NSIR_QUALIFIERS, "grades": list(IncidentGrade)}  # fmt: skip


@router.get("/incidents/new", response_class=HTMLResponse)
def new_incident(request: Request, principal: Writer) -> Response:
    """The form for a new incident."""
    return render(request, "records/incident_form.html", _form_context({}, []))


@router.post("/incidents/new", response_class=HTMLResponse)
async def create_incident(request: Request, session: DbSession, principal: Writer) -> Response:
    """Open an incident from the form; bad input re-shows it with an error summary."""
    form = await request.form()
    data: dict[str, Any] = {k: v for k, v in form.items() if k != "qualifiers"}
    data["qualifiers"] = [q for q in form.getlist("qualifiers") if isinstance(q, str)]
    fields: dict[str, Any] = {
        k: form_value(data, k)
        for k in ("category", "grade", "address", "beat", "narrative", "occurred_from")
        if form_value(data, k) is not None
    }
    fields["qualifiers"] = data["qualifiers"]
    try:
        if "occurred_from" in fields:
            fields["occurred_from"] += ":00Z" if len(fields["occurred_from"]) == 16 else ""
        incident = incidents.create_incident(
            session,
            actor=principal.actor,
            incident_in=IncidentCreate.model_validate(fields),
            team=principal.user.team,
        )
    except (ValidationError, PeelianError) as exc:
        context = _form_context(data, errors_of(exc))
        return render(request, "records/incident_form.html", context, status_code=400)
    return RedirectResponse(f"/incidents/{incident.id}", status_code=303)


@router.get("/incidents/export.csv")
def export_team(
    session: DbSession,
    principal: Annotated[Principal, Depends(require_page(Permission.INCIDENTS_EXPORT_TEAM))],
) -> Response:
    """Download the signed-in supervisor's own team's incidents as CSV."""
    body = incidents.export_team_csv(session, actor=principal.actor, team=principal.user.team)
    headers = {"Content-Disposition": 'attachment; filename="team-incidents.csv"'}
    return Response(body, media_type="text/csv", headers=headers)


def _incident_context(
    view: incidents.IncidentView,
    errors: list[dict[str, str]],
    witness_statements: list[Any] | None = None,
) -> dict[str, Any]:
    allowed = sorted(INCIDENT_TRANSITIONS[view.incident.status])
    return {"view": view, "errors": errors, "allowed": allowed, "categories": NSIR_CATEGORIES,
            "qualifiers": NSIR_QUALIFIERS, "grades": list(IncidentGrade),
            "statements": witness_statements}  # fmt: skip


def _statements_of(
    session: DbSession, principal: Principal, incident_id: uuid.UUID
) -> list[Any] | None:
    """The incident's witness statements (listed, audited) for those who may read them."""
    if not has_permission(principal.role, Permission.STATEMENTS_READ):
        return None
    rows, _ = statements.list_statements(
        session, actor=principal.actor, incident_id=incident_id, limit=200
    )
    return rows


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(
    request: Request, session: DbSession, principal: Reader, incident_id: uuid.UUID
) -> Response:
    """An incident with its linked people, its witness statements and the workflow buttons."""
    view = incidents.read_incident(session, actor=principal.actor, incident_id=incident_id)
    context = _incident_context(view, [], _statements_of(session, principal, incident_id))
    return render(request, "records/incident.html", context)


@router.post("/incidents/{incident_id}/status", response_class=HTMLResponse)
def change_status(
    request: Request,
    session: DbSession,
    principal: Writer,
    incident_id: uuid.UUID,
    status: Annotated[str, Form(max_length=30)] = "",
    crime_number: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    """Move the incident on; an invalid move is refused with the reason."""
    try:
        change = StatusChange.model_validate(
            {"status": status, "crime_number": crime_number.strip() or None}
        )
        incidents.change_status(
            session, actor=principal.actor, incident_id=incident_id, change=change
        )
    except (ValidationError, PeelianError) as exc:
        if isinstance(exc, PeelianError) and exc.status == 404:
            raise
        view = incidents.IncidentView(
            incidents.get_incident(session, incident_id), incidents.links(session, incident_id)
        )
        context = _incident_context(view, errors_of(exc))
        return render(request, "records/incident.html", context, status_code=400)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


@router.post("/incidents/{incident_id}/edit", response_class=HTMLResponse)
async def edit_incident(
    request: Request, session: DbSession, principal: Writer, incident_id: uuid.UUID
) -> Response:
    """Save edits to the description; a failed edit changes nothing and shows why."""
    data = dict(await request.form())
    fields = {k: form_value(data, k) for k in ("address", "beat")}
    for name in ("grade", "narrative"):
        if form_value(data, name) is not None:
            fields[name] = form_value(data, name)
    try:
        incidents.update_incident(
            session,
            actor=principal.actor,
            incident_id=incident_id,
            incident_in=IncidentUpdate.model_validate(fields),
        )
    except (ValidationError, PeelianError) as exc:
        if isinstance(exc, PeelianError) and exc.status == 404:
            raise
        view = incidents.IncidentView(
            incidents.get_incident(session, incident_id), incidents.links(session, incident_id)
        )
        context = _incident_context(view, errors_of(exc))
        return render(request, "records/incident.html", context, status_code=400)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)
