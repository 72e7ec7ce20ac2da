"""Enrolment of ten-print sets taken in custody, linked to a person in records.

Re-enrolment replaces the previous set; deletion (when a record must be destroyed) removes the
templates and stored images. The live gallery changes only after the transaction commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from peelian.biometrics import engine
from peelian.biometrics.engine import formats
from peelian.biometrics.repository import enrolment as repo
from peelian.core.storage import BlobNotFound, BlobStore

__all__ = ["EnrolledFinger", "enrolled_finger"]


@dataclass(frozen=True)
class EnrolledFinger:
    """One enrolled finger as a matcher or examiner needs it (no audit: the caller audits)."""

    template: engine.Template
    image_png: bytes | None
    quality: int


def enrolled_finger(
    session: Session, blob_store: BlobStore, *, person_id: uuid.UUID, finger_position: int
) -> EnrolledFinger | None:
    """The enrolled template, 500 ppi PNG image and quality of one finger, or None."""
    row = repo.finger_of(session, person_id, finger_position)
    if row is None:
        return None
    image: bytes | None = None
    if row.image_sha256 is not None:
        try:
            with blob_store.open(row.image_sha256) as fp:
                image = fp.read()
        except BlobNotFound:
            image = None
    return EnrolledFinger(
        template=formats.deserialize(row.template), image_png=image, quality=row.quality
    )
