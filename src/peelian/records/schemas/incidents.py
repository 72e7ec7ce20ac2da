"""Shapes of incidents on the API and in forms."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from peelian.core.time import utcnow
from peelian.records.codes import (
    NSIR_CATEGORIES,
    NSIR_QUALIFIERS,
    IncidentGrade,
    IncidentRole,
    IncidentStatus,
)

__all__ = [
    "IncidentCreate",
    "IncidentLinkIn",
    "IncidentPage",
    "IncidentRead",
    "IncidentUpdate",
    "StatusChange",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_category(value: str | None) -> str | None:
    """An NSIR category code."""
    if value is not None and value not in NSIR_CATEGORIES:
        raise ValueError("category must be an NSIR category code, e.g. CRIME or ASB-PERSONAL")
    return value


def check_qualifiers(value: list[str] | None) -> list[str] | None:
    """NSIR qualifier codes, each once."""
    if value is None:
        return None
    unknown = [q for q in value if q not in NSIR_QUALIFIERS]
    if unknown:
        raise ValueError(f"unknown qualifier {unknown[0]!r}")
    return sorted(set(value))


class IncidentLinkIn(_In):
    """A person linked to an incident in a role."""

    person_id: uuid.UUID
    role: IncidentRole


class _Location(_In):
    address: Annotated[str | None, Field(max_length=200)] = None
    latitude: Annotated[float | None, Field(ge=49.0, le=61.0)] = None
    longitude: Annotated[float | None, Field(ge=-9.0, le=2.5)] = None
    beat: Annotated[str | None, Field(max_length=20)] = None


class IncidentCreate(_Location):
    """A new incident; the reference is issued by the service."""

    category: str
    qualifiers: list[str] = Field(default_factory=list, max_length=11)
    grade: IncidentGrade
    reported_at: AwareDatetime | None = None
    occurred_from: AwareDatetime | None = None
    occurred_to: AwareDatetime | None = None
    narrative: Annotated[str, Field(max_length=20000)] = ""
    team: Annotated[str | None, Field(max_length=80)] = None
    people: list[IncidentLinkIn] = Field(default_factory=list, max_length=50)

    _category = field_validator("category")(check_category)
    _qualifiers = field_validator("qualifiers")(check_qualifiers)

    @model_validator(mode="after")
    def _times(self) -> Self:
        now = utcnow()
        for name in ("reported_at", "occurred_from", "occurred_to"):
            value: datetime | None = getattr(self, name)
            if value is not None and value > now:
                raise ValueError(f"{name} must not be in the future")
        if self.occurred_from and self.occurred_to and self.occurred_to < self.occurred_from:
            raise ValueError("occurred_to must not be before occurred_from")
        return self


class IncidentUpdate(_Location):
    """A partial edit of an incident's description (status has its own route)."""

    category: str | None = None
    qualifiers: list[str] | None = Field(default=None, max_length=11)
    grade: IncidentGrade | None = None
    narrative: Annotated[str | None, Field(max_length=20000)] = None

    _category = field_validator("category")(check_category)
    _qualifiers = field_validator("qualifiers")(check_qualifiers)


class StatusChange(_In):
    """Move an incident along its workflow; recording as a crime needs a crime number."""

    status: IncidentStatus
    crime_number: Annotated[str | None, Field(pattern=r"^[A-Z0-9/-]{4,30}$")] = None


class _LinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    person_id: uuid.UUID
    role: IncidentRole


class IncidentRead(BaseModel):
    """An incident as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    category: str
    qualifiers: list[str]
    grade: IncidentGrade
    status: IncidentStatus
    reported_at: datetime
    occurred_from: datetime | None
    occurred_to: datetime | None
    address: str | None
    latitude: float | None
    longitude: float | None
    beat: str | None
    narrative: str
    team: str | None
    crime_number: str | None
    created_by: uuid.UUID | None
    people: list[_LinkRead] = Field(default_factory=list)


class IncidentPage(BaseModel):
    """A page of incidents, newest first."""

    total: int
    items: list[IncidentRead]
