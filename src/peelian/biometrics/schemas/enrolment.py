"""Shapes of enrolments on the API: metadata only, never templates or images."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from peelian.biometrics.models.enrolment import EnrolmentSource

__all__ = ["EnrolmentDelete", "EnrolmentRead", "FingerRead"]


class FingerRead(BaseModel):
    """One enrolled finger: position, quality and minutiae count (no template, no image)."""

    model_config = ConfigDict(from_attributes=True)

    finger_position: Annotated[int, Field(ge=1, le=10, description="NIST finger code 1-10")]
    quality: Annotated[int, Field(ge=0, le=100, description="Engine image quality 0-100")]
    minutiae: int
    has_image: bool


class EnrolmentRead(BaseModel):
    """A person's current enrolment."""

    person_id: uuid.UUID
    version: int
    source: EnrolmentSource
    control_number: str | None
    enrolled_by: uuid.UUID | None
    enrolled_at: datetime
    fingers: list[FingerRead]


class EnrolmentDelete(BaseModel):
    """Why a person's prints are being destroyed (kept in the audit trail)."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=5, max_length=500)]
