"""Warning markers and statuses on a person: add, cancel, and the facts the check rules read."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import FieldError, InvalidInput, NotFound
from peelian.core.time import utcnow
from peelian.records.checks import FlagFacts
from peelian.records.codes import FlagKind, MarkerCode
from peelian.records.models import PersonFlag
from peelian.records.repository import people as repo
from peelian.records.schemas import FlagCreate

__all__ = ["add_flag", "cancel_flag", "facts_of", "validate_flag"]

_DETAIL_FIELDS = (
    "offence",
    "warrant_type",
    "court",
    "action",
    "bail_type",
    "exclusion_zone",
    "reporting",
)


def facts_of(flag: PersonFlag) -> FlagFacts:
    """The facts of a stored flag, as the check rules take them."""
    return FlagFacts(
        kind=flag.kind,
        code=flag.code,
        starts_at=flag.starts_at,
        expires_at=flag.expires_at,
        review_date=flag.review_date,
        cancelled=flag.cancelled_at is not None,
        details=flag.details or {},
    )


def validate_flag(flag_in: FlagCreate) -> list[FieldError]:
    """The rules a flag must meet beyond its shape, as field errors (empty when fine)."""
    errors: list[FieldError] = []
    kind = flag_in.kind
    if kind is FlagKind.MARKER and flag_in.code not in {m.value for m in MarkerCode}:
        errors.append(FieldError("/code", "choose a warning marker code, e.g. violent or drugs"))
    if kind is FlagKind.WANTED and not flag_in.offence:
        errors.append(FieldError("/offence", "say what offence the person is wanted for"))
    if kind is FlagKind.FTA_WARRANT and not flag_in.court:
        errors.append(FieldError("/court", "name the court that issued the warrant"))
    if kind is FlagKind.BAIL:
        if not flag_in.bail_type:
            errors.append(FieldError("/bail_type", "say whether this is police or court bail"))
        if flag_in.expires_at is None:
            errors.append(FieldError("/expires_at", "bail needs the date it ends"))
        if (flag_in.curfew_start is None) != (flag_in.curfew_end is None):
            errors.append(FieldError("/curfew_end", "give both curfew start and end times"))
    elif flag_in.curfew_start or flag_in.curfew_end:
        errors.append(FieldError("/curfew_start", "only bail has a curfew"))
    if flag_in.expires_at is None and flag_in.review_date is None and kind is not FlagKind.BAIL:
        errors.append(FieldError("/review_date", "give an expiry or a review date"))
    starts = flag_in.starts_at
    if starts is not None and flag_in.expires_at is not None and flag_in.expires_at <= starts:
        errors.append(FieldError("/expires_at", "the end must be after the start"))
    return errors


def _details(flag_in: FlagCreate) -> dict[str, Any]:
    details: dict[str, Any] = {
        k: getattr(flag_in, k) for k in _DETAIL_FIELDS if getattr(flag_in, k) is not None
    }
    if flag_in.conditions:
        details["conditions"] = list(flag_in.conditions)
    if flag_in.curfew_start and flag_in.curfew_end:
        details["curfew"] = {"start": flag_in.curfew_start, "end": flag_in.curfew_end}
    return details


def add_flag(
    session: Session, *, actor: Actor, person_id: uuid.UUID, flag_in: FlagCreate
) -> PersonFlag:
    """Record a warning marker or status on a person."""
    if repo.get_person(session, person_id) is None:
        raise NotFound("no such person")
    errors = validate_flag(flag_in)
    if errors:
        raise InvalidInput(errors[0].message, errors=errors)
    flag = PersonFlag(
        person_id=person_id,
        kind=flag_in.kind,
        code=flag_in.code,
        source=flag_in.source,
        recorded_by=actor.user_id,
        starts_at=flag_in.starts_at,
        expires_at=flag_in.expires_at,
        review_date=flag_in.review_date,
        details=_details(flag_in),
    )
    session.add(flag)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type="person_flag",
        record_id=flag.id,
        detail={"person_id": str(person_id), "kind": flag.kind.value},
    )
    return flag


def cancel_flag(
    session: Session, *, actor: Actor, person_id: uuid.UUID, flag_id: uuid.UUID
) -> PersonFlag:
    """Cancel a flag (a warrant executed, bail ended early); it stops counting at once."""
    flag = repo.get_flag(session, flag_id)
    if flag is None or flag.person_id != person_id:
        raise NotFound("no such flag on this person")
    if flag.cancelled_at is None:
        flag.cancelled_at = utcnow()
        session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="person_flag",
        record_id=flag.id,
        detail={"person_id": str(person_id), "cancelled": True},
    )
    return flag
