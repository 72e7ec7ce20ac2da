"""Use-of-powers API: stop and search (list, disproportionality summary, CSV, read) and
vehicle stops (list, read). Lists carry no names; whole records need a stated purpose."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from peelian.auth.dependencies import Principal, Purpose, require
from peelian.auth.permissions import Permission
from peelian.records.schemas import (
    StopSearchItem,
    StopSearchPage,
    StopSearchQuery,
    StopSearchRead,
    SummaryRow,
    VehicleStopItem,
    VehicleStopPage,
    VehicleStopRead,
)
from peelian.records.service import stop_searches, vehicle_stops
from peelian.web.deps import DbSession

__all__ = ["router"]

router = APIRouter(tags=["use of powers"])
Reader = Annotated[Principal, Depends(require(Permission.POWERS_READ))]
SS = "/api/v1/stop-searches"


def stop_search_query(
    officer_id: Annotated[str | None, Query(max_length=40)] = None,
    officer_user_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    outcome: Annotated[str | None, Query(max_length=30)] = None,
    sde: Annotated[str | None, Query(max_length=2)] = None,
    power: Annotated[str | None, Query(max_length=20)] = None,
    team: Annotated[str | None, Query(max_length=80)] = None,
) -> StopSearchQuery:
    """The monitoring filters from the query string."""
    return StopSearchQuery(
        officer_id=officer_id, officer_user_id=officer_user_id, date_from=date_from,
        date_to=date_to, outcome=outcome, sde=sde, power=power, team=team,
    )  # fmt: skip


Filters = Annotated[StopSearchQuery, Depends(stop_search_query)]


@router.get(SS, response_model=StopSearchPage)
def list_stop_searches(
    session: DbSession,
    principal: Reader,
    query: Filters,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> StopSearchPage:
    """Stop and search records by officer, date range, outcome, ethnicity, power or team."""
    rows, total = stop_searches.list_stop_searches(
        session, actor=principal.actor, query=query, limit=limit, offset=offset
    )
    return StopSearchPage(total=total, items=[StopSearchItem.model_validate(r) for r in rows])


@router.get(f"{SS}/summary", response_model=list[SummaryRow])
def summary(session: DbSession, principal: Reader, query: Filters) -> list[SummaryRow]:
    """Searches, arrests and finds per self-defined ethnicity, under the same filters."""
    return stop_searches.summary(session, actor=principal.actor, query=query)


@router.get(f"{SS}/export.csv")
def export_team(
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.POWERS_EXPORT_TEAM))],
) -> Response:
    """The caller's own team's stop and search records as CSV (no names)."""
    body = stop_searches.export_team_csv(session, actor=principal.actor, team=principal.user.team)
    headers = {"Content-Disposition": 'attachment; filename="team-stop-searches.csv"'}
    return Response(body, media_type="text/csv", headers=headers)


@router.get(f"{SS}/{{stop_search_id}}", response_model=StopSearchRead)
def read_stop_search(
    session: DbSession, principal: Reader, purpose: Purpose, stop_search_id: uuid.UUID
) -> StopSearchRead:
    """A whole stop and search record (needs a stated purpose)."""
    record = stop_searches.read_stop_search(
        session, actor=principal.actor, stop_search_id=stop_search_id, purpose=purpose
    )
    return StopSearchRead.model_validate(record)


@router.get("/api/v1/vehicle-stops", response_model=VehicleStopPage)
def list_vehicle_stops(
    session: DbSession,
    principal: Reader,
    vrm: Annotated[str | None, Query(pattern=r"^[A-Z0-9 ]{2,8}$")] = None,
    outcome: Annotated[str | None, Query(max_length=20)] = None,
    team: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> VehicleStopPage:
    """Vehicle stops, newest first, by registration, outcome or team."""
    rows, total = vehicle_stops.list_vehicle_stops(
        session, actor=principal.actor, vrm=vrm, outcome=outcome, team=team, limit=limit,
        offset=offset,
    )  # fmt: skip
    return VehicleStopPage(total=total, items=[VehicleStopItem.model_validate(r) for r in rows])


@router.get("/api/v1/vehicle-stops/{vehicle_stop_id}", response_model=VehicleStopRead)
def read_vehicle_stop(
    session: DbSession, principal: Reader, purpose: Purpose, vehicle_stop_id: uuid.UUID
) -> VehicleStopRead:
    """A whole vehicle stop (needs a stated purpose)."""
    record = vehicle_stops.read_vehicle_stop(
        session, actor=principal.actor, vehicle_stop_id=vehicle_stop_id, purpose=purpose
    )
    return VehicleStopRead.model_validate(record)
