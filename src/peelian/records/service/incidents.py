"""Incidents: create with a reference, edit, move along the workflow, link people, export."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import Conflict, FieldError, InvalidInput, NotFound
from peelian.core.time import utcnow
from peelian.records.codes import INCIDENT_TRANSITIONS, IncidentStatus
from peelian.records.models import Incident, IncidentPerson
from peelian.records.repository import incidents as repo
from peelian.records.repository import people as people_repo
from peelian.records.schemas import IncidentCreate, IncidentLinkIn, IncidentUpdate, StatusChange

__all__ = [
    "EXPORT_COLUMNS",
    "IncidentView",
    "change_status",
    "create_incident",
    "export_team_csv",
    "get_incident",
    "link_person",
    "links",
    "list_incidents",
    "read_incident",
    "update_incident",
]

EXPORT_COLUMNS = (
    "reference",
    "category",
    "qualifiers",
    "grade",
    "status",
    "reported_at",
    "occurred_from",
    "occurred_to",
    "address",
    "beat",
    "team",
    "crime_number",
)


@dataclass
class IncidentView:
    """An incident with its linked people."""

    incident: Incident
    people: list[IncidentPerson] = field(default_factory=list)


def _check_people(session: Session, links: list[IncidentLinkIn], prefix: str) -> None:
    found = {p.id for p in people_repo.people_by_ids(session, {link.person_id for link in links})}
    errors = [
        FieldError(f"{prefix}/{i}/person_id", "no person has this id")
        for i, link in enumerate(links)
        if link.person_id not in found
    ]
    if errors:
        raise InvalidInput(errors[0].message, errors=errors)


def create_incident(
    session: Session, *, actor: Actor, incident_in: IncidentCreate, team: str | None = None
) -> Incident:
    """Open an incident with the next reference of the day (INC-YYYYMMDD-NNNNNN)."""
    _check_people(session, incident_in.people, "/people")
    now = utcnow()
    day = now.strftime("%Y%m%d")
    number = repo.next_number(session, day)
    incident = Incident(
        reference=f"INC-{day}-{number:06d}",
        status=IncidentStatus.OPEN,
        reported_at=incident_in.reported_at or now,
        team=incident_in.team or team,
        created_by=actor.user_id,
        **incident_in.model_dump(exclude={"people", "team", "reported_at"}),
    )
    session.add(incident)
    session.flush()
    for link in {(x.person_id, x.role) for x in incident_in.people}:
        session.add(IncidentPerson(incident_id=incident.id, person_id=link[0], role=link[1]))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type="incident",
        record_id=incident.id,
    )
    return incident


def _existing(session: Session, incident_id: uuid.UUID) -> Incident:
    incident = repo.get_incident(session, incident_id)
    if incident is None:
        raise NotFound("no such incident")
    return incident


def get_incident(session: Session, incident_id: uuid.UUID) -> Incident:
    """An incident by id, unaudited (for replies to the writer who just changed it)."""
    return _existing(session, incident_id)


def links(session: Session, incident_id: uuid.UUID) -> list[IncidentPerson]:
    """People linked to an incident."""
    return repo.links_of(session, [incident_id])


def read_incident(session: Session, *, actor: Actor, incident_id: uuid.UUID) -> IncidentView:
    """An incident with its linked people (audited)."""
    incident = _existing(session, incident_id)
    view = IncidentView(incident, repo.links_of(session, [incident.id]))
    audit.record(
        session, actor=actor, action=AuditAction.READ, record_type="incident", record_id=incident.id
    )
    return view


def list_incidents(
    session: Session,
    *,
    status: IncidentStatus | None = None,
    team: str | None = None,
    reference: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Incident], int]:
    """Incidents, newest first (references and categories only: no personal data)."""
    return repo.list_incidents(
        session, status=status, team=team, reference=reference, limit=limit, offset=offset
    )


def update_incident(
    session: Session, *, actor: Actor, incident_id: uuid.UUID, incident_in: IncidentUpdate
) -> Incident:
    """Edit an incident's description; closed incidents are final."""
    incident = _existing(session, incident_id)
    if not INCIDENT_TRANSITIONS[incident.status]:
        raise Conflict(f"the incident is {incident.status.value} and can no longer be edited")
    changed = incident_in.model_dump(exclude_unset=True)
    for key, value in changed.items():
        if value is None and key in ("category", "grade", "qualifiers", "narrative"):
            message = "cannot be blank"
            raise InvalidInput(f"{key} {message}", errors=[FieldError(f"/{key}", message)])
        setattr(incident, key, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="incident",
        record_id=incident.id,
        detail={"fields": sorted(changed)},
    )
    return incident


def change_status(
    session: Session, *, actor: Actor, incident_id: uuid.UUID, change: StatusChange
) -> Incident:
    """Move an incident along open → allocated → in progress → closed / recorded as crime."""
    incident = _existing(session, incident_id)
    allowed = INCIDENT_TRANSITIONS[incident.status]
    if change.status not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "none (it is final)"
        message = (
            f"cannot go from {incident.status.value} to {change.status.value}; allowed: {options}"
        )
        raise InvalidInput(message, errors=[FieldError("/status", message)])
    if change.status is IncidentStatus.RECORDED_AS_CRIME:
        if not change.crime_number:
            message = "recording as a crime needs the crime number"
            raise InvalidInput(message, errors=[FieldError("/crime_number", message)])
        incident.crime_number = change.crime_number
    previous = incident.status
    incident.status = change.status
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="incident",
        record_id=incident.id,
        detail={"from": previous.value, "to": change.status.value},
    )
    return incident


def link_person(
    session: Session, *, actor: Actor, incident_id: uuid.UUID, link_in: IncidentLinkIn
) -> IncidentPerson:
    """Link a person to an incident in a role (once per role)."""
    incident = _existing(session, incident_id)
    _check_people(session, [link_in], "")
    if repo.link_exists(session, incident.id, link_in.person_id, link_in.role):
        raise Conflict("the person is already linked in this role")
    link = IncidentPerson(incident_id=incident.id, person_id=link_in.person_id, role=link_in.role)
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="incident",
        record_id=incident.id,
        detail={"linked": str(link_in.person_id), "role": link_in.role.value},
    )
    return link


def export_team_csv(session: Session, *, actor: Actor, team: str | None) -> str:
    """The caller's own team's incidents as CSV (no narratives or people); audited."""
    if not team:
        raise InvalidInput("your account has no team, so there is nothing to export")
    incidents = repo.incidents_for_team(session, team)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for inc in incidents:
        row = [getattr(inc, c) for c in EXPORT_COLUMNS]
        row[2] = ";".join(inc.qualifiers)
        writer.writerow(["" if v is None else getattr(v, "value", v) for v in row])
    audit.record(
        session,
        actor=actor,
        action=AuditAction.EXPORT,
        record_type="incident",
        detail={"team": team, "rows": len(incidents)},
    )
    return out.getvalue()
