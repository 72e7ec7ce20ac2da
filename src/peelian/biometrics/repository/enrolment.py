"""Queries for enrolments, enrolled fingers and the gallery change log."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from peelian.biometrics.models.enrolment import (
    Enrolment,
    EnrolmentFinger,
    GalleryAction,
    GalleryChange,
    GalleryHead,
)

__all__ = [
    "add_change",
    "changes_since",
    "count_enrolments",
    "delete_enrolment",
    "delete_fingers",
    "enrolment_of",
    "finger_of",
    "fingers_of",
    "image_in_use",
    "iter_templates",
    "last_seq",
    "next_seq",
    "templates_of",
]

HEAD_ID = 1


def enrolment_of(session: Session, person_id: uuid.UUID) -> Enrolment | None:
    """The current enrolment of a person, if any."""
    return session.scalars(select(Enrolment).where(Enrolment.person_id == person_id)).first()


def count_enrolments(session: Session) -> int:
    """How many people have prints enrolled."""
    return int(session.scalar(select(func.count()).select_from(Enrolment)) or 0)


def fingers_of(session: Session, person_id: uuid.UUID) -> list[EnrolmentFinger]:
    """A person's enrolled fingers, by finger position."""
    stmt = (
        select(EnrolmentFinger)
        .where(EnrolmentFinger.person_id == person_id)
        .order_by(EnrolmentFinger.finger_position)
    )
    return list(session.scalars(stmt))


def finger_of(session: Session, person_id: uuid.UUID, position: int) -> EnrolmentFinger | None:
    """One enrolled finger of a person."""
    stmt = select(EnrolmentFinger).where(
        EnrolmentFinger.person_id == person_id, EnrolmentFinger.finger_position == position
    )
    return session.scalars(stmt).first()


Row = tuple[uuid.UUID, int, bytes]


def templates_of(session: Session, person_ids: list[uuid.UUID]) -> list[Row]:
    """(person id, finger position, template bytes) of the given people."""
    if not person_ids:
        return []
    stmt = select(
        EnrolmentFinger.person_id, EnrolmentFinger.finger_position, EnrolmentFinger.template
    ).where(EnrolmentFinger.person_id.in_(person_ids))
    return [(r[0], int(r[1]), bytes(r[2])) for r in session.execute(stmt)]


def iter_templates(session: Session, *, batch: int = 2000) -> Iterator[list[Row]]:
    """Every enrolled template in batches, in key order (keyset pagination, bounded memory)."""
    after: tuple[uuid.UUID, int] | None = None
    cols = (EnrolmentFinger.person_id, EnrolmentFinger.finger_position, EnrolmentFinger.template)
    while True:
        stmt = select(*cols).order_by(EnrolmentFinger.person_id, EnrolmentFinger.finger_position)
        if after is not None:
            pid, pos = after
            stmt = stmt.where(
                (EnrolmentFinger.person_id > pid)
                | ((EnrolmentFinger.person_id == pid) & (EnrolmentFinger.finger_position > pos))
            )
        rows = [(r[0], int(r[1]), bytes(r[2])) for r in session.execute(stmt.limit(batch))]
        if not rows:
            return
        yield rows
        after = (rows[-1][0], rows[-1][1])


def delete_fingers(session: Session, enrolment: Enrolment) -> None:
    """Delete an enrolment's fingers (templates go with the rows) before a new set is added."""
    session.execute(delete(EnrolmentFinger).where(EnrolmentFinger.enrolment_id == enrolment.id))


def delete_enrolment(session: Session, enrolment: Enrolment) -> None:
    """Delete an enrolment and its fingers."""
    delete_fingers(session, enrolment)
    session.delete(enrolment)
    session.flush()


def image_in_use(session: Session, sha256: str) -> bool:
    """Whether any enrolled finger still refers to this stored image."""
    stmt = select(func.count()).where(EnrolmentFinger.image_sha256 == sha256)
    return bool(session.scalar(stmt))


def next_seq(session: Session) -> int:
    """Take the change log's write lock by bumping its head; return the new number."""
    row = session.execute(
        update(GalleryHead)
        .where(GalleryHead.id == HEAD_ID)
        .values(last_seq=GalleryHead.last_seq + 1)
        .returning(GalleryHead.last_seq)
    ).one_or_none()
    if row is None:
        raise RuntimeError("gallery change-log head is missing: run `peelian db upgrade`")
    return int(row[0])


def add_change(
    session: Session, *, seq: int, person_id: uuid.UUID, action: GalleryAction
) -> GalleryChange:
    """Append one entry to the gallery change log."""
    change = GalleryChange(seq=seq, person_id=person_id, action=action)
    session.add(change)
    session.flush()
    return change


def last_seq(session: Session) -> int:
    """The newest committed change number (0 when nothing has changed yet)."""
    value = session.scalar(select(GalleryHead.last_seq).where(GalleryHead.id == HEAD_ID))
    return int(value or 0)


def changes_since(session: Session, seq: int, *, limit: int = 1000) -> list[GalleryChange]:
    """Change-log entries after `seq`, oldest first."""
    stmt = (
        select(GalleryChange)
        .where(GalleryChange.seq > seq)
        .order_by(GalleryChange.seq)
        .limit(limit)
    )
    return list(session.scalars(stmt))
