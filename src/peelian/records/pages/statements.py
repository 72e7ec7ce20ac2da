"""MG11 witness statement pages: the list (no witness details), and a whole statement, opened
with a stated purpose, with its s.9 declaration as signed and the re-verified seal."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from peelian.auth.dependencies import Principal, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.records.codes import ETHNICITY
from peelian.records.pages._forms import error_status
from peelian.records.pages._records import PAGE, page_number, purpose_gate
from peelian.records.service import incidents, statements
from peelian.web.deps import DbSession, State
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Statements", "/statements", Permission.STATEMENTS_READ, order=36))

Reader = Annotated[Principal, Depends(require_page(Permission.STATEMENTS_READ))]
INCIDENT_REFERENCE = re.compile(r"^INC-\d{8}-\d{6}$")
AGE_BANDS = {"over_18": "18 or over", "under_18": "Under 18"}


def _incident_id(session: DbSession, value: str, errors: list[dict[str, str]]) -> uuid.UUID | None:
    """The incident named by its reference (or id); an unknown one is an error."""
    value = value.strip().upper()
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        pass
    if INCIDENT_REFERENCE.match(value):
        found, _ = incidents.list_incidents(session, reference=value, limit=1)
        if found:
            return found[0].id
        errors.append({"field": "incident", "message": f"No incident has the reference {value}"})
        return None
    errors.append(
        {"field": "incident", "message": "Enter an incident reference like INC-20261129-000001"}
    )
    return None


def _references(session: DbSession, incident_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {i: incidents.get_incident(session, i).reference for i in incident_ids}


@router.get("/statements", response_class=HTMLResponse)
def list_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    incident: str = "",
    page: str = "",
) -> Response:
    """Witness statements, newest first, optionally of one incident (no witness details)."""
    errors: list[dict[str, str]] = []
    number = page_number(page, errors)
    incident_id = _incident_id(session, incident[:60], errors)
    rows: list[Any] = []
    total = 0
    if not errors:
        rows, total = statements.list_statements(
            session,
            actor=principal.actor,
            incident_id=incident_id,
            limit=PAGE,
            offset=(number - 1) * PAGE,
        )
    context = {"rows": rows, "total": total, "page": number, "page_size": PAGE,
               "incident": incident[:60], "errors": errors,
               "references": _references(session, {r.incident_id for r in rows})}  # fmt: skip
    status = error_status(request, errors)
    return render(request, "records/statements.html", context, status_code=status)


@router.get("/statements/{statement_id}", response_class=HTMLResponse)
def statement_page(
    request: Request,
    session: DbSession,
    state: State,
    principal: Reader,
    statement_id: uuid.UUID,
    purpose: str = "",
) -> Response:
    """A whole MG11 with the witness's details and whether its seal still verifies (audited)."""
    gate = purpose_gate(request, f"/statements/{statement_id}", purpose)
    if gate is not None:
        return gate
    view = statements.read_statement(
        session,
        actor=principal.actor,
        statement_id=statement_id,
        purpose=purpose.strip(),
        store=state.blob_store,
    )
    incident = incidents.get_incident(session, view.statement.incident_id)
    context = {"s": view.statement, "problems": view.problems, "incident": incident,
               "images_checked": state.blob_store is not None, "ethnicities": ETHNICITY,
               "age_bands": AGE_BANDS, "purpose": purpose.strip()}  # fmt: skip
    return render(request, "records/statement.html", context)
