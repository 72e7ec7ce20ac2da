"""Vehicle stop pages: the list by registration and outcome (no driver's name), and a whole stop,
opened with a stated purpose."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from peelian.auth.dependencies import Principal, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.records.codes import VEHICLE_STOP_OUTCOMES, VEHICLE_STOP_REASONS
from peelian.records.pages._forms import error_status
from peelian.records.pages._records import PAGE, choice, page_number, purpose_gate
from peelian.records.service import vehicle_stops
from peelian.web.deps import DbSession
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Vehicle stops", "/vehicle-stops", Permission.POWERS_READ, order=37))

Reader = Annotated[Principal, Depends(require_page(Permission.POWERS_READ))]
VRM = re.compile(r"^[A-Z0-9 ]{2,8}$")
CODES = {"reasons": VEHICLE_STOP_REASONS, "outcomes": VEHICLE_STOP_OUTCOMES}


def _vrm(value: str, errors: list[dict[str, str]]) -> str | None:
    """A registration as stored (capitals, single spaces), None when empty."""
    vrm = " ".join(value.upper().split())
    if vrm and not VRM.match(vrm):
        errors.append({"field": "vrm", "message": "Enter a registration like AB12 CDE"})
        return None
    return vrm or None


@router.get("/vehicle-stops", response_class=HTMLResponse)
def list_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    vrm: str = "",
    outcome: str = "",
    page: str = "",
) -> Response:
    """Vehicle stops, newest first, by registration or outcome (no driver's name)."""
    errors: list[dict[str, str]] = []
    number = page_number(page, errors)
    wanted = _vrm(vrm, errors)
    chosen = choice(outcome, VEHICLE_STOP_OUTCOMES, "outcome", errors)
    rows: list[Any] = []
    total = 0
    if not errors:
        rows, total = vehicle_stops.list_vehicle_stops(
            session, actor=principal.actor, vrm=wanted, outcome=chosen, limit=PAGE,
            offset=(number - 1) * PAGE,
        )  # fmt: skip
    context = {"rows": rows, "total": total, "page": number, "page_size": PAGE, "errors": errors,
               "form": {"vrm": vrm[:20], "outcome": outcome[:20]}, **CODES}  # fmt: skip
    status = error_status(request, errors)
    return render(request, "records/vehicle_stops.html", context, status_code=status)


@router.get("/vehicle-stops/{vehicle_stop_id}", response_class=HTMLResponse)
def stop_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    vehicle_stop_id: uuid.UUID,
    purpose: str = "",
) -> Response:
    """A whole vehicle stop, with the driver's name, once a purpose is stated (audited)."""
    gate = purpose_gate(request, f"/vehicle-stops/{vehicle_stop_id}", purpose)
    if gate is not None:
        return gate
    stop = vehicle_stops.read_vehicle_stop(
        session, actor=principal.actor, vehicle_stop_id=vehicle_stop_id, purpose=purpose.strip()
    )
    return render(request, "records/vehicle_stop.html", {"v": stop, **CODES})
