"""Incidents API: list, create, read, edit, status workflow, linked people, team CSV export."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from peelian.auth.dependencies import Principal, require
from peelian.auth.permissions import Permission
from peelian.records.codes import IncidentStatus
from peelian.records.routes._convert import incident_read
from peelian.records.schemas import (
    IncidentCreate,
    IncidentLinkIn,
    IncidentPage,
    IncidentRead,
    IncidentUpdate,
    StatusChange,
)
from peelian.records.service import incidents
from peelian.web.deps import DbSession

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])
Reader = Annotated[Principal, Depends(require(Permission.INCIDENTS_READ))]
Writer = Annotated[Principal, Depends(require(Permission.INCIDENTS_WRITE))]


@router.get("/export.csv")
def export_team(
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.INCIDENTS_EXPORT_TEAM))],
) -> Response:
    """The caller's own team's incidents as CSV."""
    body = incidents.export_team_csv(session, actor=principal.actor, team=principal.user.team)
    return Response(
        body,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="team-incidents.csv"'},
    )


@router.get("", response_model=IncidentPage)
def list_incidents(
    session: DbSession,
    principal: Reader,
    status: IncidentStatus | None = None,
    team: Annotated[str | None, Query(max_length=80)] = None,
    reference: Annotated[str | None, Query(max_length=24)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> IncidentPage:
    """Incidents, newest first."""
    rows, total = incidents.list_incidents(
        session, status=status, team=team, reference=reference, limit=limit, offset=offset
    )
    items = [incident_read(incidents.IncidentView(r)) for r in rows]
    return IncidentPage(total=total, items=items)


@router.post("", response_model=IncidentRead, status_code=201)
def create_incident(
    session: DbSession, principal: Writer, incident_in: IncidentCreate
) -> IncidentRead:
    """Open an incident; the reference is issued here."""
    incident = incidents.create_incident(
        session, actor=principal.actor, incident_in=incident_in, team=principal.user.team
    )
    return incident_read(incidents.IncidentView(incident, incidents.links(session, incident.id)))


@router.get("/{incident_id}", response_model=IncidentRead)
def read_incident(session: DbSession, principal: Reader, incident_id: uuid.UUID) -> IncidentRead:
    """An incident with its linked people."""
    view = incidents.read_incident(session, actor=principal.actor, incident_id=incident_id)
    return incident_read(view)


@router.patch("/{incident_id}", response_model=IncidentRead)
def update_incident(
    session: DbSession, principal: Writer, incident_id: uuid.UUID, incident_in: IncidentUpdate
) -> IncidentRead:
    """Edit an incident's description."""
    incident = incidents.update_incident(
        session, actor=principal.actor, incident_id=incident_id, incident_in=incident_in
    )
    return incident_read(incidents.IncidentView(incident, incidents.links(session, incident.id)))


@router.post("/{incident_id}/status", response_model=IncidentRead)
def change_status(
    session: DbSession, principal: Writer, incident_id: uuid.UUID, change: StatusChange
) -> IncidentRead:
    """Move the incident along its workflow; invalid moves are refused."""
    incident = incidents.change_status(
        session, actor=principal.actor, incident_id=incident_id, change=change
    )
    return incident_read(incidents.IncidentView(incident, incidents.links(session, incident.id)))


@router.post("/{incident_id}/people", response_model=IncidentRead, status_code=201)
def link_person(
    session: DbSession, principal: Writer, incident_id: uuid.UUID, link_in: IncidentLinkIn
) -> IncidentRead:
    """Link a person to the incident in a role."""
    incidents.link_person(session, actor=principal.actor, incident_id=incident_id, link_in=link_in)
    incident = incidents.get_incident(session, incident_id)
    return incident_read(incidents.IncidentView(incident, incidents.links(session, incident.id)))
