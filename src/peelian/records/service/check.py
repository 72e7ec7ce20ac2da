"""The officer's person check: a minimal, safe summary of what is current on a person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import NotFound
from peelian.core.time import utcnow
from peelian.records.checks import CheckReason, Colour, assess
from peelian.records.models import Person
from peelian.records.repository import people as repo
from peelian.records.service.flags import facts_of

__all__ = ["PersonCheck", "check_person", "resolve_survivor"]

_MAX_MERGE_HOPS = 10


@dataclass(frozen=True)
class PersonCheck:
    """What an officer is told at the roadside, officer-safety warnings first."""

    person_id: uuid.UUID
    checked_at: datetime
    colour: Colour
    name: str
    date_of_birth: date | None
    photo_sha256: str | None
    reasons: tuple[CheckReason, ...]

    @property
    def officer_safety(self) -> list[str]:
        """The officer-safety warnings alone."""
        return [r.text for r in self.reasons if r.safety]


def resolve_survivor(session: Session, person_id: uuid.UUID) -> Person:
    """The record that now stands for this id: itself, or the survivor it was merged into."""
    person = repo.get_person(session, person_id)
    hops = 0
    while person is not None and person.merged_into_id is not None and hops < _MAX_MERGE_HOPS:
        person = repo.get_person(session, person.merged_into_id)
        hops += 1
    if person is None:
        raise NotFound("no such person")
    return person


def check_person(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    purpose: str,
    at: datetime | None = None,
) -> PersonCheck:
    """Check a person now (or at `at`): RED, AMBER or GREEN with reasons; audited with purpose."""
    at = at or utcnow()
    person = resolve_survivor(session, person_id)
    flags, photos = repo.flags_and_photos_of_survivor(session, person.id)
    verdict = assess([facts_of(f) for f in flags], at)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type="person_check",
        record_id=person.id,
        purpose=purpose,
        detail={"colour": verdict.colour.value, "asked_for": str(person_id)},
    )
    return PersonCheck(
        person_id=person.id,
        checked_at=at,
        colour=verdict.colour,
        name=f"{person.given_names} {person.family_name.upper()}",
        date_of_birth=person.date_of_birth,
        photo_sha256=photos[0].sha256 if photos else None,
        reasons=verdict.reasons,
    )
