"""Shapes of MG11 witness statements and missing-person reports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from peelian.records.codes import ETHNICITY, MISSING_RISK_GRADES
from peelian.records.schemas.people import check_birth_date
from peelian.records.schemas.powers import FromMobile

__all__ = [
    "Exhibit",
    "MissingReportCreate",
    "MissingReportItem",
    "MissingReportPage",
    "MissingReportRead",
    "RiskAnswer",
    "StatementCreate",
    "StatementItem",
    "StatementPage",
    "StatementRead",
    "WitnessDetails",
]

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Exhibit(_In):
    """An exhibit the statement refers to."""

    reference: Annotated[str, Field(min_length=1, max_length=40)]
    description: Annotated[str | None, Field(max_length=500)] = None


class WitnessDetails(_In):
    """The rear of the MG11: restricted, never disclosed."""

    contact_address: Annotated[str | None, Field(max_length=500)] = None
    contact_phone: Annotated[str | None, Field(pattern=r"^[0-9 +]{7,16}$")] = None
    preferred_contact: Literal["phone", "email", "post"] | None = None
    date_of_birth: date | None = None
    sde: str | None = None
    dates_to_avoid: Annotated[str, Field(min_length=1, max_length=1000)]
    special_measures: bool
    vps_offered: bool | None = None
    consent_share: bool
    willing_to_attend: bool

    _dob = field_validator("date_of_birth")(check_birth_date)

    @field_validator("sde")
    @classmethod
    def _sde(cls, value: str | None) -> str | None:
        if value is not None and value not in ETHNICITY:
            raise ValueError("sde must be a self-defined ethnicity code (W1 … O9, NS)")
        return value


class StatementCreate(FromMobile):
    """An MG11 statement, with the declaration template it was signed under and its hashes.

    `incident_reference` links it to an existing incident; without one a new incident is
    opened for it.
    """

    incident_reference: Annotated[str | None, Field(pattern=r"^INC-\d{8}-\d{6}$")] = None
    urn: Annotated[str | None, Field(max_length=40)] = None
    witness_name: Annotated[str, Field(min_length=1, max_length=200)]
    age_band: Literal["over_18", "under_18"]
    age: Annotated[int | None, Field(ge=0, le=17)] = None
    occupation: Annotated[str, Field(min_length=1, max_length=120)]
    page_count: Annotated[int, Field(ge=1, le=500)]
    statement: Annotated[str, Field(min_length=10, max_length=200_000)]
    exhibits: list[Exhibit] = Field(default_factory=list, max_length=200)
    declaration_name: Annotated[str, Field(min_length=1, max_length=60)]
    declaration_version: Annotated[int, Field(ge=1)]
    declaration_template: Annotated[str, Field(min_length=20, max_length=2000)]
    declaration_template_sha256: Sha256
    signed_at: AwareDatetime
    signed_at_text: Annotated[str, Field(min_length=10, max_length=40)]
    envelope_sha256: Sha256
    signature_sha256: Sha256
    reader_name: Annotated[str | None, Field(max_length=200)] = None
    reader_signature_sha256: Sha256 | None = None
    taken_by: Annotated[str, Field(min_length=1, max_length=120)]
    witness: WitnessDetails

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.age_band == "under_18" and self.age is None:
            raise ValueError("give the age of a witness under 18")
        if (self.reader_name is None) != (self.reader_signature_sha256 is None):
            raise ValueError("a reader's declaration needs the reader's name and signature")
        return self


class StatementItem(BaseModel):
    """A statement in a list: reference, incident and signing facts (no witness details)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    incident_id: uuid.UUID
    urn: str | None
    page_count: int
    signed_at: datetime
    taken_by: str
    team: str | None


class StatementRead(StatementItem):
    """A whole statement (read with a stated purpose), with the result of re-verifying it."""

    witness_name: str
    witness_person_id: uuid.UUID | None = None
    age_band: str
    age: int | None
    occupation: str
    statement: str
    exhibits: list[dict[str, Any]]
    declaration_name: str
    declaration_version: int
    declaration_template_sha256: str
    declaration_text: str
    declaration_sha256: str
    signed_at_text: str
    envelope_sha256: str
    signature_sha256: str
    binding_sha256: str
    reader_name: str | None
    reader_signature_sha256: str | None
    witness_details: dict[str, Any]
    submission_id: uuid.UUID | None
    form_version: str | None
    officer_user_id: uuid.UUID | None
    verified: bool
    problems: list[str] = Field(default_factory=list)


class StatementPage(BaseModel):
    """A page of statements, newest first."""

    total: int
    items: list[StatementItem]


class RiskAnswer(_In):
    """One risk-assessment answer with its provenance (APP: source and time obtained)."""

    item: Annotated[str, Field(min_length=1, max_length=40)]
    value: Literal["yes", "no", "unknown"]
    details: Annotated[str | None, Field(max_length=2000)] = None
    source: Annotated[str, Field(min_length=1, max_length=200)]
    obtained_at: AwareDatetime


class MissingReportCreate(FromMobile):
    """A missing-person report; the person is linked by id, matched, or created."""

    person_id: uuid.UUID | None = None
    person_name: Annotated[str, Field(min_length=1, max_length=200)]
    person_dob: date | None = None
    last_seen_at: AwareDatetime
    last_seen_location: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str | None, Field(max_length=5000)] = None
    reported_by: Annotated[str, Field(min_length=1, max_length=200)]
    previous_episodes: Annotated[int | None, Field(ge=0, le=1000)] = None
    risk_grade: str
    risks: list[RiskAnswer] = Field(min_length=1, max_length=50)

    _dob = field_validator("person_dob")(check_birth_date)

    @field_validator("risk_grade")
    @classmethod
    def _grade(cls, value: str) -> str:
        if value not in MISSING_RISK_GRADES:
            raise ValueError(f"risk_grade must be one of {', '.join(MISSING_RISK_GRADES)}")
        return value


class MissingReportItem(BaseModel):
    """A missing-person report in a list (no names)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    person_id: uuid.UUID
    last_seen_at: datetime
    risk_grade: str
    team: str | None


class MissingReportRead(MissingReportItem):
    """A whole missing-person report (read with a stated purpose)."""

    flag_id: uuid.UUID
    reported_name: str
    last_seen_location: str
    description: str | None
    reported_by: str
    previous_episodes: int | None
    risks: list[dict[str, Any]]
    submission_id: uuid.UUID | None
    form_version: str | None
    officer_user_id: uuid.UUID | None


class MissingReportPage(BaseModel):
    """A page of missing-person reports, newest first."""

    total: int
    items: list[MissingReportItem]
