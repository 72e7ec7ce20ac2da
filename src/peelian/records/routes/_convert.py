"""Turn service results into API schemas."""

from __future__ import annotations

from typing import Any

from peelian.records.schemas import CheckRead, FlagRead, IncidentRead, PersonRead, ReasonRead
from peelian.records.service.check import PersonCheck
from peelian.records.service.incidents import IncidentView
from peelian.records.service.people import PersonView

__all__ = ["check_read", "incident_read", "person_read"]


def _fields(obj: object, schema: type[PersonRead] | type[IncidentRead]) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in schema.model_fields if hasattr(obj, k)}


def person_read(view: PersonView) -> PersonRead:
    """A person view as the API shows it."""
    data = _fields(view.person, PersonRead)
    data.update(
        aliases=view.aliases,
        identifiers=view.identifiers,
        addresses=view.addresses,
        photos=view.photos,
        flags=[
            FlagRead.model_validate(f).model_copy(update={"current": current})
            for f, current in view.flags
        ],
        merged_ids=view.merged_ids,
    )
    return PersonRead.model_validate(data, from_attributes=True)


def check_read(check: PersonCheck) -> CheckRead:
    """A person check as the API shows it."""
    return CheckRead(
        person_id=check.person_id,
        checked_at=check.checked_at,
        colour=check.colour.value,
        name=check.name,
        date_of_birth=check.date_of_birth,
        photo_sha256=check.photo_sha256,
        officer_safety=check.officer_safety,
        reasons=[
            ReasonRead(
                colour=r.colour.value,
                kind=r.kind,
                code=r.code,
                safety=r.safety,
                text=r.text,
                action=r.action,
            )
            for r in check.reasons
        ],
    )


def incident_read(view: IncidentView) -> IncidentRead:
    """An incident view as the API shows it."""
    data = _fields(view.incident, IncidentRead)
    data["people"] = view.people
    return IncidentRead.model_validate(data, from_attributes=True)
