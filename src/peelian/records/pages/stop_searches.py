"""Stop and search pages: monitor the use of the power (filters and the per-ethnicity view),
open a record with a stated purpose, and export the team's records."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from peelian.auth.dependencies import Principal, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.core.errors import PeelianError
from peelian.records.codes import (
    ETHNICITY,
    PERCEIVED_ETHNICITY,
    SEARCH_OBJECTS,
    SEARCH_OUTCOMES,
    SEARCH_POWERS,
    SEARCH_RECEIPT,
)
from peelian.records.pages._forms import error_status, errors_of
from peelian.records.pages._records import PAGE, choice, purpose_gate
from peelian.records.schemas import StopSearchQuery
from peelian.records.service import stop_searches
from peelian.web.deps import DbSession
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Stop and search", "/stop-searches", Permission.POWERS_READ, order=35))

Reader = Annotated[Principal, Depends(require_page(Permission.POWERS_READ))]
CODES = {
    "ethnicities": ETHNICITY,
    "perceived": PERCEIVED_ETHNICITY,
    "objects": SEARCH_OBJECTS,
    "outcomes": SEARCH_OUTCOMES,
    "powers": SEARCH_POWERS,
    "receipts": SEARCH_RECEIPT,
}


def _date(value: str, name: str, errors: list[dict[str, str]]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append({"field": name, "message": "Enter a date like 2026-11-29"})
        return None


@router.get("/stop-searches", response_class=HTMLResponse)
def list_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    officer_id: Annotated[str, Query(max_length=40)] = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    outcome: Annotated[str, Query(max_length=30)] = "",
    sde: Annotated[str, Query(max_length=2)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Stop and search records and searches per ethnicity, under the same filters."""
    form = {"officer_id": officer_id, "date_from": date_from, "date_to": date_to,
            "outcome": outcome, "sde": sde}  # fmt: skip
    errors: list[dict[str, str]] = []
    query = StopSearchQuery(
        officer_id=officer_id.strip() or None,
        date_from=_date(date_from, "date_from", errors),
        date_to=_date(date_to, "date_to", errors),
        outcome=choice(outcome, SEARCH_OUTCOMES, "outcome", errors),
        sde=choice(sde, ETHNICITY, "sde", errors),
    )
    rows: list[Any] = []
    total, summary = 0, []
    if not errors:
        try:
            rows, total = stop_searches.list_stop_searches(
                session, actor=principal.actor, query=query, limit=PAGE, offset=(page - 1) * PAGE
            )
            summary = stop_searches.summary(session, actor=principal.actor, query=query)
        except PeelianError as exc:
            errors = errors_of(exc)
    context = {"rows": rows, "total": total, "summary": summary, "page": page, "page_size": PAGE,
               "form": form, "errors": errors, **CODES}  # fmt: skip
    status = error_status(request, errors)
    return render(request, "records/stop_searches.html", context, status_code=status)


@router.get("/stop-searches/export.csv")
def export_team(
    session: DbSession,
    principal: Annotated[Principal, Depends(require_page(Permission.POWERS_EXPORT_TEAM))],
) -> Response:
    """Download the signed-in supervisor's own team's stop and search records as CSV."""
    body = stop_searches.export_team_csv(session, actor=principal.actor, team=principal.user.team)
    headers = {"Content-Disposition": 'attachment; filename="team-stop-searches.csv"'}
    return Response(body, media_type="text/csv", headers=headers)


@router.get("/stop-searches/{stop_search_id}", response_class=HTMLResponse)
def record_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    stop_search_id: uuid.UUID,
    purpose: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    """A whole stop and search record, shown only once a purpose is stated (and audited)."""
    gate = purpose_gate(request, f"/stop-searches/{stop_search_id}", purpose)
    if gate is not None:
        return gate
    record = stop_searches.read_stop_search(
        session, actor=principal.actor, stop_search_id=stop_search_id, purpose=purpose.strip()
    )
    return render(request, "records/stop_search.html", {"s": record, **CODES})
