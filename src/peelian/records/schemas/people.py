"""Shapes of people, their flags, searches and checks on the API and in forms."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from peelian.core.time import utcnow
from peelian.records.codes import ETHNICITY, FlagKind, IdentifierKind, NameKind, Sex

__all__ = [
    "AddressIn",
    "CheckRead",
    "FlagCreate",
    "FlagRead",
    "IdentifierIn",
    "MergeCreate",
    "MergeRead",
    "NameIn",
    "PersonCreate",
    "PersonRead",
    "PersonUpdate",
    "ReasonRead",
    "SearchHit",
    "SearchPage",
]

Name = Annotated[str, Field(min_length=1, max_length=120)]
Short = Annotated[str, Field(min_length=1, max_length=120)]
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_IDENTIFIER_SHAPES = {
    IdentifierKind.PNC: re.compile(r"^\d{2}(\d{2})?/\d{1,7}[A-Z]$"),
    IdentifierKind.CRO: re.compile(r"^\d{1,6}/\d{2}[A-Z]$"),
    IdentifierKind.PASSPORT: re.compile(r"^[A-Z0-9]{6,12}$"),
    IdentifierKind.DRIVING_LICENCE: re.compile(r"^[A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z]{2}$"),
    IdentifierKind.PHONE: re.compile(r"^\+?\d{7,15}$"),
}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_birth_date(value: date | None) -> date | None:
    """Dates of birth lie between 1900 and today."""
    if value is not None and not date(1900, 1, 1) <= value <= utcnow().date():
        raise ValueError("date of birth must be between 1900 and today")
    return value


def check_ethnicity(value: str | None) -> str | None:
    """Self-defined ethnicity is one of the 18+1 codes."""
    if value is not None and value not in ETHNICITY:
        raise ValueError("ethnicity must be a self-defined ethnicity code (W1 … O9, NS)")
    return value


class NameIn(_In):
    """An alias or previous name."""

    kind: NameKind = NameKind.ALIAS
    given_names: Name
    family_name: Name


class IdentifierIn(_In):
    """An identifier; the value is normalised (upper case, no spaces) and checked for shape."""

    kind: IdentifierKind
    value: Annotated[str, Field(min_length=1, max_length=40)]

    @model_validator(mode="after")
    def _shape(self) -> Self:
        self.value = re.sub(r"[\s-]", "", self.value).upper()
        if not _IDENTIFIER_SHAPES[self.kind].match(self.value):
            raise ValueError(f"value is not a valid {self.kind.value.replace('_', ' ')}")
        return self


class AddressIn(_In):
    """An address with the dates the person lived there."""

    line1: Short
    line2: Annotated[str | None, Field(max_length=120)] = None
    town: Annotated[str, Field(min_length=1, max_length=80)]
    postcode: Annotated[str | None, Field(max_length=10)] = None
    from_date: date | None = None
    to_date: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValueError("to_date must not be before from_date")
        return self


class _PersonFields(_In):
    alt_dates_of_birth: list[date] = Field(default_factory=list, max_length=5)
    sex: Sex = Sex.UNKNOWN
    ethnicity: str | None = "NS"
    height_cm: Annotated[int | None, Field(ge=40, le=250)] = None
    build: Annotated[str | None, Field(max_length=40)] = None
    marks: Annotated[str | None, Field(max_length=2000)] = None

    _ethnicity = field_validator("ethnicity")(check_ethnicity)

    @field_validator("alt_dates_of_birth")
    @classmethod
    def _alt_dobs(cls, value: list[date]) -> list[date]:
        for d in value:
            check_birth_date(d)
        return value


class PersonCreate(_PersonFields):
    """A new nominal record."""

    given_names: Name
    family_name: Name
    date_of_birth: date | None = None
    aliases: list[NameIn] = Field(default_factory=list, max_length=20)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=20)
    addresses: list[AddressIn] = Field(default_factory=list, max_length=20)

    _dob = field_validator("date_of_birth")(check_birth_date)


class PersonUpdate(_In):
    """A partial edit; a list given replaces the stored list."""

    given_names: Name | None = None
    family_name: Name | None = None
    date_of_birth: date | None = None
    alt_dates_of_birth: list[date] | None = Field(default=None, max_length=5)
    sex: Sex | None = None
    ethnicity: str | None = None
    height_cm: Annotated[int | None, Field(ge=40, le=250)] = None
    build: Annotated[str | None, Field(max_length=40)] = None
    marks: Annotated[str | None, Field(max_length=2000)] = None
    aliases: list[NameIn] | None = Field(default=None, max_length=20)
    identifiers: list[IdentifierIn] | None = Field(default=None, max_length=20)
    addresses: list[AddressIn] | None = Field(default=None, max_length=20)

    _dob = field_validator("date_of_birth")(check_birth_date)
    _ethnicity = field_validator("ethnicity")(check_ethnicity)


class FlagCreate(_In):
    """A warning marker or status; `details` fields depend on the kind."""

    kind: FlagKind
    code: Annotated[str | None, Field(max_length=40)] = None
    source: Annotated[str, Field(min_length=2, max_length=120)]
    starts_at: AwareDatetime | None = None
    expires_at: AwareDatetime | None = None
    review_date: date | None = None
    offence: Annotated[str | None, Field(max_length=200)] = None
    warrant_type: Annotated[str | None, Field(max_length=60)] = None
    court: Annotated[str | None, Field(max_length=120)] = None
    action: Annotated[str | None, Field(max_length=300)] = None
    bail_type: Annotated[str | None, Field(pattern="^(police|court)$")] = None
    conditions: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=10
    )
    curfew_start: str | None = None
    curfew_end: str | None = None
    exclusion_zone: Annotated[str | None, Field(max_length=200)] = None
    reporting: Annotated[str | None, Field(max_length=200)] = None

    @field_validator("curfew_start", "curfew_end")
    @classmethod
    def _hhmm(cls, value: str | None) -> str | None:
        if value is not None and not _HHMM.match(value):
            raise ValueError("curfew times are HH:MM on the 24-hour clock")
        return value


class FlagRead(BaseModel):
    """A flag as stored, with whether it counts now."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    kind: FlagKind
    code: str | None
    source: str
    recorded_by: uuid.UUID | None
    created_at: datetime
    starts_at: datetime | None
    expires_at: datetime | None
    review_date: date | None
    cancelled_at: datetime | None
    details: dict[str, object]
    current: bool = False


class _NameRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: NameKind
    given_names: str
    family_name: str


class _IdentifierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: IdentifierKind
    value: str


class _AddressRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    line1: str
    line2: str | None
    town: str
    postcode: str | None
    from_date: date | None
    to_date: date | None


class _PhotoRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    sha256: str
    size: int
    content_type: str
    taken_at: datetime


class PersonRead(BaseModel):
    """A person with everything held on them."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    given_names: str
    family_name: str
    date_of_birth: date | None
    alt_dates_of_birth: list[str]
    sex: Sex
    ethnicity: str
    height_cm: int | None
    build: str | None
    marks: str | None
    merged_into_id: uuid.UUID | None
    aliases: list[_NameRead] = Field(default_factory=list)
    identifiers: list[_IdentifierRead] = Field(default_factory=list)
    addresses: list[_AddressRead] = Field(default_factory=list)
    photos: list[_PhotoRead] = Field(default_factory=list)
    flags: list[FlagRead] = Field(default_factory=list)
    merged_ids: list[uuid.UUID] = Field(default_factory=list)


class SearchHit(BaseModel):
    """One ranked candidate."""

    person_id: uuid.UUID
    given_names: str
    family_name: str
    date_of_birth: date | None
    matched_name: str
    score: float


class SearchPage(BaseModel):
    """A page of ranked candidates."""

    total: int
    page: int
    page_size: int
    items: list[SearchHit]


class ReasonRead(BaseModel):
    """One reason behind a check's colour."""

    colour: str
    kind: FlagKind
    code: str | None
    safety: bool
    text: str
    action: str


class CheckRead(BaseModel):
    """The roadside answer: colour, officer-safety warnings first, reasons and actions."""

    person_id: uuid.UUID
    checked_at: datetime
    colour: str
    name: str
    date_of_birth: date | None
    photo_sha256: str | None
    officer_safety: list[str]
    reasons: list[ReasonRead]


class MergeCreate(_In):
    """Fold a duplicate record into this one."""

    duplicate_id: uuid.UUID
    reason: Annotated[str, Field(min_length=5, max_length=500)]


class MergeRead(BaseModel):
    """A merge, undone or not."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    survivor_id: uuid.UUID
    duplicate_id: uuid.UUID
    reason: str
    merged_at: datetime
    undone_at: datetime | None
