"""Enrolment tables: one ten-print set per person, its fingers, and the gallery change log."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from peelian.core.db.base import Base, IdMixin
from peelian.core.time import utcnow

__all__ = [
    "Enrolment",
    "EnrolmentFinger",
    "EnrolmentSource",
    "GalleryAction",
    "GalleryChange",
    "GalleryHead",
]

BIG = BigInteger().with_variant(Integer, "sqlite")


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class EnrolmentSource(enum.StrEnum):
    """How the prints arrived: separate images, or an ANSI/NIST-ITL transaction."""

    IMAGES = "images"
    ANSI_NIST = "ansi-nist"
    # Demo data: templates drawn directly by the synthetic generator, with no images.
    SYNTHETIC = "synthetic"


class GalleryAction(enum.StrEnum):
    """What a change does to the live gallery: (re-)load a person's fingers, or forget them."""

    ADD = "add"
    REMOVE = "remove"


class Enrolment(IdMixin, Base):
    """The current ten-print set of a person (records id); `version` counts re-enrolments."""

    __tablename__ = "biometric_enrolments"

    # The records person id: domains share ids, not foreign keys (records never deletes people
    # while prints are enrolled; destruction goes through the enrolment service first).
    person_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[EnrolmentSource] = mapped_column(_enum(EnrolmentSource))
    # Type-1 field 1.009 (TCN) of the transaction, when enrolled from ANSI/NIST-ITL.
    control_number: Mapped[str | None] = mapped_column(String(40), default=None)
    finger_count: Mapped[int] = mapped_column(SmallInteger)
    enrolled_by: Mapped[uuid.UUID | None]
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)


class EnrolmentFinger(IdMixin, Base):
    """One enrolled finger: its template (native format), quality and the stored image."""

    __tablename__ = "biometric_fingers"
    __table_args__ = (UniqueConstraint("person_id", "finger_position"),)

    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("biometric_enrolments.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[uuid.UUID]
    # NIST/ISO finger position: 1-5 right thumb to little, 6-10 left thumb to little.
    finger_position: Mapped[int] = mapped_column(SmallInteger)
    template: Mapped[bytes] = mapped_column(LargeBinary)
    quality: Mapped[int] = mapped_column(SmallInteger)
    minutiae: Mapped[int] = mapped_column(SmallInteger)
    # The 500 ppi greyscale PNG in the blob store, shown to examiners beside a probe.
    image_sha256: Mapped[str | None] = mapped_column(String(64), default=None)


class GalleryChange(Base):
    """One change to the gallery, numbered in commit order; every process replays what it missed."""

    __tablename__ = "biometric_gallery_changes"

    seq: Mapped[int] = mapped_column(BIG, primary_key=True, autoincrement=False)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    action: Mapped[GalleryAction] = mapped_column(_enum(GalleryAction))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GalleryHead(Base):
    """The last change number; bumping it row-locks writers, so numbers commit in order."""

    __tablename__ = "biometric_gallery_head"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BIG, default=0)
