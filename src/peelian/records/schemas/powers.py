"""Shapes of the use-of-powers records: stop and search (PACE Code A) and vehicle stops."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from peelian.core.time import utcnow
from peelian.records.codes import (
    ETHNICITY,
    NO_SUSPICION_POWERS,
    PERCEIVED_ETHNICITY,
    SEARCH_OBJECTS,
    SEARCH_OUTCOMES,
    SEARCH_POWERS,
    SEARCH_RECEIPT,
    VEHICLE_STOP_OUTCOMES,
    VEHICLE_STOP_REASONS,
)
from peelian.records.schemas.people import check_birth_date

__all__ = [
    "CODE_SET",
    "FromMobile",
    "StopSearchCreate",
    "StopSearchItem",
    "StopSearchPage",
    "StopSearchQuery",
    "StopSearchRead",
    "SummaryRow",
    "VehicleStopCreate",
    "VehicleStopItem",
    "VehicleStopPage",
    "VehicleStopRead",
]

# The code sets a stop and search is recorded with; historic records keep theirs.
CODE_SET = "SDE-2011-18+1/IC-6+1"
VRM = Annotated[str, Field(pattern=r"^[A-Z0-9 ]{2,8}$")]
Text200 = Annotated[str, Field(min_length=1, max_length=200)]


def _code(table: dict[str, str], what: str) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value is not None and value not in table:
            raise ValueError(f"{what} must be one of {', '.join(table)}")
        return value

    return check


def _not_future(value: datetime | None, name: str) -> None:
    if value is not None and value > utcnow():
        raise ValueError(f"{name} must not be in the future")


class FromMobile(BaseModel):
    """Where a record came from: the accepted submission, its form version, officer and team."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    submission_id: uuid.UUID | None = None
    form_version: Annotated[str | None, Field(max_length=40)] = None
    officer_user_id: uuid.UUID | None = None
    team: Annotated[str | None, Field(max_length=80)] = None


class StopSearchCreate(FromMobile):
    """A stop and search record (Code A para 4.3); the reference is issued by the service."""

    searched_at: AwareDatetime
    location: Text200
    latitude: Annotated[float | None, Field(ge=49.0, le=61.0)] = None
    longitude: Annotated[float | None, Field(ge=-9.0, le=2.5)] = None
    search_type: Literal["person", "vehicle", "both"]
    vrm: VRM | None = None
    power: str
    authorisation: Annotated[str | None, Field(max_length=200)] = None
    grounds: Annotated[str | None, Field(max_length=5000)] = None
    object_of_search: str
    sde: str
    perceived_ethnicity: str | None = None
    officer_id: Annotated[str, Field(min_length=1, max_length=40)]
    outcome: str
    outcome_linked: bool | None = None
    items_found: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    injury: bool
    injury_details: Annotated[str | None, Field(max_length=5000)] = None
    bwv_used: bool
    receipt: str
    person_name: Annotated[str | None, Field(max_length=200)] = None
    person_dob: date | None = None
    person_id: uuid.UUID | None = None

    _power = field_validator("power")(_code(SEARCH_POWERS, "power"))
    _object = field_validator("object_of_search")(_code(SEARCH_OBJECTS, "object_of_search"))
    _sde = field_validator("sde")(_code(ETHNICITY, "sde"))
    _ic = field_validator("perceived_ethnicity")(_code(PERCEIVED_ETHNICITY, "perceived_ethnicity"))
    _outcome = field_validator("outcome")(_code(SEARCH_OUTCOMES, "outcome"))
    _receipt = field_validator("receipt")(_code(SEARCH_RECEIPT, "receipt"))
    _dob = field_validator("person_dob")(check_birth_date)

    @model_validator(mode="after")
    def _code_a(self) -> Self:
        _not_future(self.searched_at, "searched_at")
        if self.power in NO_SUSPICION_POWERS:
            if not self.authorisation:
                raise ValueError("a no-suspicion power needs the authorisation")
        elif not self.grounds or len(self.grounds) < 20:
            raise ValueError("grounds for suspicion are required (PACE Code A para 4.3)")
        if self.search_type != "person" and not self.vrm:
            raise ValueError("a vehicle search needs the vehicle registration")
        if self.outcome != "nfa" and self.outcome_linked is None:
            raise ValueError("say whether the outcome was linked to the object of the search")
        if self.injury and not self.injury_details:
            raise ValueError("describe the injury or damage caused")
        return self


class StopSearchQuery(BaseModel):
    """Filters for monitoring the use of stop and search."""

    officer_id: str | None = None
    officer_user_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None
    outcome: str | None = None
    sde: str | None = None
    power: str | None = None
    team: str | None = None


class StopSearchItem(BaseModel):
    """A stop and search in a list: what monitoring needs, without the person's name."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    searched_at: datetime
    location: str
    search_type: str
    power: str
    object_of_search: str
    sde: str
    perceived_ethnicity: str | None
    officer_id: str
    outcome: str
    outcome_linked: bool | None
    team: str | None


class StopSearchRead(StopSearchItem):
    """A whole stop and search record (read with a stated purpose)."""

    latitude: float | None
    longitude: float | None
    vrm: str | None
    authorisation: str | None
    grounds: str | None
    code_set: str
    items_found: list[str]
    injury: bool
    injury_details: str | None
    bwv_used: bool
    receipt: str
    person_name: str | None
    person_dob: date | None
    person_id: uuid.UUID | None
    submission_id: uuid.UUID | None
    form_version: str | None
    officer_user_id: uuid.UUID | None


class StopSearchPage(BaseModel):
    """A page of stop and search records, newest first."""

    total: int
    items: list[StopSearchItem]


class SummaryRow(BaseModel):
    """Searches and outcomes for one self-defined ethnicity code."""

    sde: str
    label: str
    searches: int
    arrests: int
    no_further_action: int
    outcome_linked: int
    share_of_searches: float
    arrest_rate: float
    find_rate: float


class VehicleStopCreate(FromMobile):
    """A vehicle stop (Road Traffic Act 1988 s.163)."""

    vrm: VRM
    make_model: Annotated[str | None, Field(max_length=120)] = None
    stopped_at: AwareDatetime
    location: Text200
    power: Annotated[str, Field(max_length=60)] = "Road Traffic Act 1988 s.163"
    reason: str
    defects: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)
    speed_mph: Annotated[float | None, Field(gt=0, lt=250)] = None
    released_at: Annotated[str | None, Field(pattern=r"^\d{2}:\d{2}(:\d{2})?")] = None
    driver_name: Annotated[str | None, Field(max_length=200)] = None
    documents_produced: bool | None = None
    outcome: str
    outcome_reference: Annotated[str | None, Field(max_length=40)] = None

    _reason = field_validator("reason")(_code(VEHICLE_STOP_REASONS, "reason"))
    _outcome = field_validator("outcome")(_code(VEHICLE_STOP_OUTCOMES, "outcome"))

    @model_validator(mode="after")
    def _rules(self) -> Self:
        _not_future(self.stopped_at, "stopped_at")
        if self.outcome in ("fpn", "hort1") and not self.outcome_reference:
            raise ValueError("a ticket or HO/RT1 needs its reference")
        return self


class VehicleStopItem(BaseModel):
    """A vehicle stop in a list (no driver's name)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    vrm: str
    stopped_at: datetime
    location: str
    reason: str
    outcome: str
    team: str | None


class VehicleStopRead(VehicleStopItem):
    """A whole vehicle stop (read with a stated purpose)."""

    make_model: str | None
    power: str
    defects: list[str]
    speed_mph: float | None
    released_at: str | None
    driver_name: str | None
    documents_produced: bool | None
    outcome_reference: str | None
    submission_id: uuid.UUID | None
    form_version: str | None
    officer_user_id: uuid.UUID | None


class VehicleStopPage(BaseModel):
    """A page of vehicle stops, newest first."""

    total: int
    items: list[VehicleStopItem]
