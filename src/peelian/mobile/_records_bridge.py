"""Where accepted submissions become records: ONE function per form kind.

An accepted incident report becomes a records incident (its reference is stored on the
submission). The other kinds still return a reference to the accepted submission itself
("mobile-submission:<id>"), so nothing an officer sent is lost: missing-person reports are the
next to map onto `peelian.records.service`; stop and search, MG11 and vehicle stops need record
types that records does not have yet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from peelian.core.audit import Actor
from peelian.core.time import as_utc, utcnow
from peelian.mobile.models import Submission
from peelian.records.codes import IncidentGrade
from peelian.records.schemas import IncidentCreate
from peelian.records.service import incidents

__all__ = ["BRIDGES", "record_for"]


def _pending(submission: Submission) -> str:
    return f"mobile-submission:{submission.id}"


def stop_search_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted stop and search → records: a stop-search record (Code A para 4.3 fields)."""
    return _pending(submission)


def mg11_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted MG11 → records: a witness statement with its signature envelope and exhibits."""
    return _pending(submission)


# The officer's incident types, mapped onto the National Standard for Incident Recording.
INCIDENT_CATEGORIES = {
    "asb": "ASB-NUISANCE",
    "assault": "CRIME",
    "burglary": "CRIME",
    "theft": "CRIME",
    "rtc": "TRANSPORT-RTC",
    "concern": "PSW-CONCERN",
    "other": "ADMIN",
}
GRADES = {
    1: IncidentGrade.IMMEDIATE,
    2: IncidentGrade.PRIORITY,
    3: IncidentGrade.SCHEDULED,
    4: IncidentGrade.RESOLUTION_WITHOUT_DEPLOYMENT,
}


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # Device clocks drift: a time in the future is clamped to now rather than refused.
    return min(as_utc(parsed), utcnow())


def _geo(value: object) -> tuple[float | None, float | None]:
    parts = str(value or "").split()
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        return None, None
    return (lat, lon) if 49.0 <= lat <= 61.0 and -9.0 <= lon <= 2.5 else (None, None)


def incident_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted incident report → records: an incident (people stay in the narrative, since
    an officer's free-text description is not yet a matched person)."""
    data = submission.data
    lat, lon = _geo(data.get("geo"))
    people = [
        f"{p.get('person_role', 'other')}: {p.get('person_description', '')}"
        for p in data.get("people") or []
        if isinstance(p, dict)
    ]
    narrative = str(data.get("summary", ""))
    if people:
        narrative += "\n\nPeople involved (as described by the officer):\n" + "\n".join(people)
    priority = data.get("priority")
    incident = incidents.create_incident(
        session,
        actor=actor,
        team=submission.team,
        incident_in=IncidentCreate(
            category=INCIDENT_CATEGORIES.get(str(data.get("incident_type")), "ADMIN"),
            grade=GRADES.get(priority if isinstance(priority, int) else 3, IncidentGrade.SCHEDULED),
            reported_at=min(as_utc(submission.completed_at), utcnow()),
            occurred_from=_when(data.get("occurred_at")),
            address=str(data.get("location", ""))[:200] or None,
            latitude=lat,
            longitude=lon,
            narrative=narrative[:20000],
        ),
    )
    return f"incident:{incident.reference}"


def missing_person_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted missing person report → records: a missing-person case with risk provenance."""
    return _pending(submission)


def vehicle_stop_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted vehicle stop → records: a vehicle stop linked to the vehicle (VRM)."""
    return _pending(submission)


def generic_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Any other form: kept as an accepted submission only."""
    return _pending(submission)


BRIDGES: dict[str, Callable[..., str]] = {
    "stop_search": stop_search_to_record,
    "mg11": mg11_to_record,
    "incident": incident_to_record,
    "missing_person": missing_person_to_record,
    "vehicle_stop": vehicle_stop_to_record,
    "generic": generic_to_record,
}


def record_for(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Turn an accepted submission into a record; returns the record reference."""
    return BRIDGES.get(submission.kind, generic_to_record)(
        session, actor=actor, submission=submission
    )
