"""Queries over incidents, their linked people and reference counters."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from peelian.records.codes import IncidentStatus
from peelian.records.models import Incident, IncidentCounter, IncidentPerson

__all__ = [
    "get_incident",
    "incidents_for_team",
    "link_exists",
    "links_of",
    "list_incidents",
    "next_number",
]


def get_incident(session: Session, incident_id: uuid.UUID) -> Incident | None:
    """An incident by id."""
    return session.get(Incident, incident_id)


def links_of(session: Session, incident_ids: Sequence[uuid.UUID]) -> list[IncidentPerson]:
    """People linked to the incidents."""
    stmt = select(IncidentPerson).where(IncidentPerson.incident_id.in_(incident_ids))
    return list(session.scalars(stmt))


def link_exists(session: Session, incident_id: uuid.UUID, person_id: uuid.UUID, role: str) -> bool:
    """True when the person is already linked in that role."""
    stmt = select(IncidentPerson.id).where(
        IncidentPerson.incident_id == incident_id,
        IncidentPerson.person_id == person_id,
        IncidentPerson.role == role,
    )
    return session.scalars(stmt).first() is not None


def list_incidents(
    session: Session,
    *,
    status: IncidentStatus | None,
    team: str | None,
    reference: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Incident], int]:
    """Incidents, newest first, filtered; with the total count."""
    stmt = select(Incident)
    if status is not None:
        stmt = stmt.where(Incident.status == status)
    if team is not None:
        stmt = stmt.where(Incident.team == team)
    if reference:
        stmt = stmt.where(Incident.reference == reference)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Incident.reported_at.desc(), Incident.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), int(total)


def incidents_for_team(session: Session, team: str) -> list[Incident]:
    """Every incident of one team, oldest first (for export)."""
    stmt = select(Incident).where(Incident.team == team).order_by(Incident.reported_at)
    return list(session.scalars(stmt))


def next_number(session: Session, day: str) -> int:
    """Issue the next incident number of the day; the row update serialises issuers."""
    row = session.execute(
        update(IncidentCounter)
        .where(IncidentCounter.day == day)
        .values(last=IncidentCounter.last + 1)
        .returning(IncidentCounter.last)
    ).one_or_none()
    if row is not None:
        return int(row[0])
    session.add(IncidentCounter(day=day, last=1))
    session.flush()
    return 1
