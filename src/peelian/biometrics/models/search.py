"""Mobile search and examiner review tables: audit metadata of each search, never the probe.

A search row says who searched, from which device, when and where, under which legal power and
reason, what came back and which person (if any) was matched. The probe images and templates
are not columns of any table: they live in process memory for the length of the request, or of
the examiner review (see :mod:`peelian.biometrics.service.probe_cache`).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from peelian.core.db.base import Base, IdMixin
from peelian.core.time import utcnow

__all__ = ["BioReview", "BioSearch", "Outcome", "ReviewStatus"]


def _enum(cls: type[enum.Enum], length: int = 20) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Outcome(enum.StrEnum):
    """The three-band answer of a search (RISC-style)."""

    RED = "RED"
    AMBER = "AMBER"
    GREEN = "GREEN"


class ReviewStatus(enum.StrEnum):
    """Where an examiner review stands."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    EXPIRED = "expired"


class BioSearch(IdMixin, Base):
    """One 1:N search from an officer's device or the web: metadata only."""

    __tablename__ = "bio_searches"
    __table_args__ = (Index("ix_bio_searches_user_created", "user_id", "created_at"),)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    via: Mapped[str] = mapped_column(String(10))
    power: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(40))
    offence: Mapped[str] = mapped_column(String(500))
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    client_ref: Mapped[str | None] = mapped_column(String(100), default=None)
    finger_positions: Mapped[list[int]] = mapped_column(JSON)
    probe_kinds: Mapped[list[str]] = mapped_column(JSON)
    gallery_size: Mapped[int] = mapped_column(Integer)
    threshold_identified: Mapped[float] = mapped_column(Float)
    threshold_possible: Mapped[float] = mapped_column(Float)
    top_score: Mapped[float | None] = mapped_column(Float, default=None)
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome))
    identified: Mapped[bool] = mapped_column(default=False)
    person_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    candidates: Mapped[list[Any]] = mapped_column(JSON, default=list)
    elapsed_ms: Mapped[int] = mapped_column(Integer)


class BioReview(IdMixin, Base):
    """An examiner review of a possible match; the probe itself is held only in memory."""

    __tablename__ = "bio_reviews"
    __table_args__ = (Index("ix_bio_reviews_status_expires", "status", "expires_at"),)

    search_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bio_searches.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    status: Mapped[ReviewStatus] = mapped_column(_enum(ReviewStatus), default=ReviewStatus.PENDING)
    candidate_person_id: Mapped[uuid.UUID]
    candidate_score: Mapped[float] = mapped_column(Float)
    finger_scores: Mapped[list[Any]] = mapped_column(JSON)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
