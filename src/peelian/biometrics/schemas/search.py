"""Mobile search and examiner review shapes (the officer PWA codes against these)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from peelian.biometrics.models.search import Outcome, ReviewStatus

__all__ = [
    "POWERS",
    "REASONS",
    "CandidateRead",
    "DecisionIn",
    "FingerIn",
    "Location",
    "PersonBrief",
    "ReviewBrief",
    "ReviewRead",
    "SearchCreate",
    "SearchRead",
]

POWERS = {"pace-s61-6a": "PACE 1984 s.61(6A): fingerprints away from a police station"}
REASONS = {
    "name-unknown": "Name unknown and cannot readily be ascertained",
    "name-doubted": "Reasonable grounds to doubt the name given",
}
TemplateFormat = Literal["iso19794-2", "ansi378", "native"]
# About 1.4 MB of base64: the request body limit refuses larger bodies first.
B64 = Annotated[str, Field(min_length=4, max_length=2_000_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class FingerIn(_Strict):
    """One probe finger: an image (PNG, TIFF, BMP, JPEG) or a minutiae template, base64."""

    position: int = Field(ge=1, le=10, description="NIST finger code 1-10 (2 right index)")
    image_b64: B64 | None = Field(default=None, repr=False)
    ppi: float | None = Field(default=None, ge=250, le=1000)
    template_b64: B64 | None = Field(default=None, repr=False)
    template_format: TemplateFormat | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if (self.image_b64 is None) == (self.template_b64 is None):
            raise ValueError("give either image_b64 or template_b64")
        if self.template_b64 is not None and self.template_format is None:
            raise ValueError("template_format is required with template_b64")
        return self


class Location(_Strict):
    """Where the search was made (WGS84)."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class SearchCreate(_Strict):
    """A 1:N search of one or two fingers under a legal power."""

    fingers: list[FingerIn] = Field(min_length=1, max_length=2)
    power: Literal["pace-s61-6a"]
    reason: Literal["name-unknown", "name-doubted"]
    offence: str = Field(min_length=3, max_length=500)
    location: Location | None = None
    client_ref: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        positions = [f.position for f in self.fingers]
        if len(set(positions)) != len(positions):
            raise ValueError(f"finger position {positions[0]} is given twice; scan two fingers")
        if not self.offence.strip():
            raise ValueError("offence must say which offence is suspected")
        return self


class PersonBrief(BaseModel):
    """Who was identified."""

    id: uuid.UUID
    name: str
    date_of_birth: date | None


class ReviewBrief(BaseModel):
    """The examiner review of a possible match, as the device sees it."""

    id: uuid.UUID
    status: ReviewStatus
    expires_at: datetime


class CandidateRead(BaseModel):
    """A gallery candidate with its calibrated score (staff roles only)."""

    person_id: uuid.UUID
    score: float
    fmr: float
    finger_scores: dict[str, float]


class SearchRead(BaseModel):
    """The answer to a search (and its current state when polled)."""

    model_config = ConfigDict(json_schema_extra={"description": "candidates: staff roles only"})

    search_id: uuid.UUID
    outcome: Outcome
    identified: bool
    person: PersonBrief | None
    warnings: list[str]
    reasons: list[str]
    actions: list[str]
    review: ReviewBrief | None
    candidates: list[CandidateRead] | None = None
    elapsed_ms: int


class ReviewRead(BaseModel):
    """A review in the examiner queue (metadata; the prints are on the review page)."""

    id: uuid.UUID
    search_id: uuid.UUID
    status: ReviewStatus
    created_at: datetime
    expires_at: datetime
    candidate_person_id: uuid.UUID
    candidate_score: float
    finger_positions: list[int]
    probe_available: bool


class DecisionIn(_Strict):
    """An examiner's decision on a possible match."""

    decision: Literal["confirm", "reject"]
    note: str | None = Field(default=None, max_length=500)
