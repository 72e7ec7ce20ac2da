"""What the services of records made from mobile submissions share: references, audited
creation and audited whole-record reads."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import NotFound
from peelian.core.time import utcnow
from peelian.records.models import Person
from peelian.records.repository import from_mobile as repo
from peelian.records.repository.from_mobile import M
from peelian.records.schemas import PersonCreate
from peelian.records.service import people

__all__ = ["add_audited", "next_reference", "person_for", "read_audited"]


def next_reference(session: Session, prefix: str) -> str:
    """The next reference of the day in a series: PREFIX-YYYYMMDD-NNNNNN."""
    day = utcnow().strftime("%Y%m%d")
    number = repo.next_number(session, f"{prefix}-{day}")
    return f"{prefix}-{day}-{number:06d}"


def add_audited(
    session: Session, record: M, *, actor: Actor, record_type: str, detail: dict[str, Any]
) -> M:
    """Store a new record and audit its creation."""
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type=record_type,
        record_id=record.id,
        detail=detail,
    )
    return record


def read_audited(
    session: Session,
    model: type[M],
    record_id: uuid.UUID,
    *,
    actor: Actor,
    record_type: str,
    purpose: str,
    missing: str,
) -> M:
    """A whole record, read for a stated purpose (audited); NotFound with ``missing``."""
    record = repo.get(session, model, record_id)
    if record is None:
        raise NotFound(missing)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type=record_type,
        record_id=record.id,
        purpose=purpose,
    )
    return record


def person_for(
    session: Session,
    *,
    actor: Actor,
    given: str,
    family: str,
    dob: date | None,
    marks: str | None = None,
) -> Person:
    """The person a mobile record names: linked only on an exact, unique name-and-birth-date
    match; anything less is a new record (a wrong link would attach a record to someone else)."""
    if dob is not None:
        found = repo.find_people_exactly(session, given, family, dob)
        if len(found) == 1:
            return found[0]
    return people.create_person(
        session,
        actor=actor,
        person_in=PersonCreate(
            given_names=given, family_name=family, date_of_birth=dob, marks=marks
        ),
    )
