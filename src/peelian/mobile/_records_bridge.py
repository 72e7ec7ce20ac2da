"""Where accepted submissions become records: ONE function per form kind.

Today each function returns a reference to the accepted submission itself
("mobile-submission:<id>"), stored on the submission, so nothing an officer sent is lost. The
records domain now exists: incident and missing-person reports are the next to map onto
`peelian.records.service` (incident categories from the form's choices to NSIR codes); stop and
search, MG11 and vehicle stops need record types that records does not have yet.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from peelian.core.audit import Actor
from peelian.mobile.models import Submission

__all__ = ["BRIDGES", "record_for"]


def _pending(submission: Submission) -> str:
    return f"mobile-submission:{submission.id}"


def stop_search_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted stop and search → records: a stop-search record (Code A para 4.3 fields)."""
    return _pending(submission)


def mg11_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted MG11 → records: a witness statement with its signature envelope and exhibits."""
    return _pending(submission)


def incident_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted incident report → records: an incident with people involved."""
    return _pending(submission)


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
