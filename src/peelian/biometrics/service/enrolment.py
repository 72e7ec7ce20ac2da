"""Enrolment of ten-print sets taken in custody, linked to a person in records.

A set arrives as separate images (one per NIST finger code) or as an ANSI/NIST-ITL 1-2011
transaction; every finger passes the quality gate or the whole set is refused, naming each
unusable finger. Re-enrolment replaces the previous set; deletion (when a record must be
destroyed) removes the templates and stored images. Nothing outside the database changes
until the transaction commits: the live gallery is updated, and images that are no longer
referred to are deleted, only then; a rollback deletes images stored for the failed attempt.
Audit events carry finger codes and counts, never template or image bytes.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from peelian.biometrics import ansi_nist, engine
from peelian.biometrics.engine import formats
from peelian.biometrics.models.enrolment import (
    Enrolment,
    EnrolmentFinger,
    EnrolmentSource,
    GalleryAction,
)
from peelian.biometrics.repository import enrolment as repo
from peelian.biometrics.service import gallery
from peelian.biometrics.service._capture import (
    FINGER_NAMES,
    Accepted,
    FingerImageIn,
    accept_all,
    check_positions,
    png_of,
)
from peelian.biometrics.service._unit import on_commit
from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import FieldError, InvalidInput, NotFound
from peelian.core.storage import BlobNotFound, BlobStore
from peelian.core.time import utcnow
from peelian.records.service import people

__all__ = [
    "FINGER_NAMES",
    "PERSON_ID_FIELD",
    "EnrolledFinger",
    "EnrolmentView",
    "FingerImageIn",
    "enrol_images",
    "enrol_templates",
    "enrol_transaction",
    "enrolled_count",
    "enrolled_finger",
    "png_of",
    "read_enrolment",
    "unenrol",
]

# Peelian's ANSI/NIST application profile: the records person id (a UUID) travels in Type-2
# field 2.100, above the fields the FBI EBTS and UK profiles define in the 2.001-2.099 range.
PERSON_ID_FIELD = "2.100"
RECORD_TYPE = "biometric_enrolment"


@dataclass(frozen=True)
class EnrolledFinger:
    """One enrolled finger as a matcher or examiner needs it (no audit: the caller audits)."""

    template: engine.Template
    image_png: bytes | None
    quality: int


@dataclass(frozen=True)
class EnrolmentView:
    """A person's enrolment and its fingers (metadata; templates stay in the rows)."""

    enrolment: Enrolment
    fingers: list[EnrolmentFinger]


def _person(session: Session, person_id: uuid.UUID, field: str) -> None:
    try:
        person = people.get_person(session, person_id)
    except NotFound:
        message = f"no person with id {person_id} is held in records"
        raise InvalidInput(message, errors=[FieldError(field, message)]) from None
    if person.merged_into_id is not None:
        message = f"person {person_id} was merged into {person.merged_into_id}: enrol that record"
        raise InvalidInput(message, errors=[FieldError(field, message)])


def enrol_images(
    session: Session,
    *,
    actor: Actor,
    store: BlobStore | None,
    holder: gallery.GalleryHolder | None,
    person_id: uuid.UUID,
    fingers: Sequence[FingerImageIn],
) -> EnrolmentView:
    """Enrol (or re-enrol) a person from one image per finger code."""
    check_positions([f.finger_position for f in fingers])
    _person(session, person_id, "/person_id")
    accepted = accept_all(fingers, keep_images=store is not None)
    return _store(session, actor, store, holder, person_id, accepted, EnrolmentSource.IMAGES, None)


def _transaction_fingers(tx: ansi_nist.Transaction) -> list[FingerImageIn]:
    fingers = []
    for image in tx.fingers:
        raw = image.compression in ("NONE", "RAW")
        fingers.append(
            FingerImageIn(
                finger_position=image.finger_position,
                data=image.data,
                ppi=image.ppi,
                raw_size=(image.width, image.height) if raw else None,
            )
        )
    return fingers


def _transaction_person(tx: ansi_nist.Transaction) -> uuid.UUID:
    where = f"/type2/{PERSON_ID_FIELD}"
    value = tx.type2.get(PERSON_ID_FIELD, "").strip()
    if not value:
        message = f"Type-2 field {PERSON_ID_FIELD} (records person id) is missing"
        raise InvalidInput(message, errors=[FieldError(where, message)])
    try:
        return uuid.UUID(value)
    except ValueError:
        message = f"Type-2 field {PERSON_ID_FIELD} {value[:40]!r} is not a person id (a UUID)"
        raise InvalidInput(message, errors=[FieldError(where, message)]) from None


def enrol_transaction(
    session: Session,
    *,
    actor: Actor,
    store: BlobStore | None,
    holder: gallery.GalleryHolder | None,
    data: bytes,
) -> EnrolmentView:
    """Enrol (or re-enrol) from an ANSI/NIST-ITL transaction (Type-1, 2, 4 and 14 records)."""
    try:
        tx = ansi_nist.parse_transaction(data)
    except ansi_nist.AnsiNistError as exc:
        message = f"malformed ANSI/NIST-ITL transaction: {exc}"
        raise InvalidInput(
            message,
            errors=[FieldError("/transaction", str(exc))],
            extra={"record": exc.record, "offset": exc.offset},
        ) from None
    person_id = _transaction_person(tx)
    fingers = _transaction_fingers(tx)
    check_positions([f.finger_position for f in fingers], field_of="/fingers/{}")
    _person(session, person_id, f"/type2/{PERSON_ID_FIELD}")
    accepted = accept_all(fingers, keep_images=store is not None, field_of="/fingers/{}")
    tcn = tx.control_number.strip()[:40] or None
    return _store(
        session, actor, store, holder, person_id, accepted, EnrolmentSource.ANSI_NIST, tcn
    )


def enrol_templates(
    session: Session,
    *,
    actor: Actor,
    holder: gallery.GalleryHolder | None,
    person_id: uuid.UUID,
    templates: Mapping[int, engine.Template],
) -> EnrolmentView:
    """Enrol templates made without images (synthetic demo and benchmark data only)."""
    check_positions(list(templates))
    _person(session, person_id, "/person_id")
    for pos, t in templates.items():
        try:
            formats.serialize(t)
        except ValueError as exc:
            raise InvalidInput(f"finger {pos}: {exc}") from None
    accepted = [Accepted(pos, t, None) for pos, t in sorted(templates.items())]
    return _store(
        session, actor, None, holder, person_id, accepted, EnrolmentSource.SYNTHETIC, None
    )


def _put_images(
    store: BlobStore | None, accepted: list[Accepted]
) -> tuple[dict[int, str], list[str]]:
    """Store each image; return its sha256 per finger and the blobs that are new."""
    shas: dict[int, str] = {}
    new: list[str] = []
    if store is None:
        return shas, new
    for a in accepted:
        if a.png is None:
            continue
        sha = hashlib.sha256(a.png).hexdigest()
        existed = store.exists(sha)
        shas[a.finger_position] = store.put(io.BytesIO(a.png), expected_sha256=sha).sha256
        if not existed:
            new.append(sha)
    return shas, new


def _current(session: Session, person_id: uuid.UUID) -> tuple[Enrolment, AuditAction, set[str]]:
    """The person's enrolment emptied of its fingers (or a new one), and its old image blobs."""
    enrolment = repo.enrolment_of(session, person_id)
    if enrolment is None:
        enrolment = Enrolment(person_id=person_id, version=1)
        session.add(enrolment)
        return enrolment, AuditAction.CREATE, set()
    old = {f.image_sha256 for f in repo.fingers_of(session, person_id) if f.image_sha256}
    repo.delete_fingers(session, enrolment)
    enrolment.version += 1
    return enrolment, AuditAction.UPDATE, old


def _store(
    session: Session,
    actor: Actor,
    store: BlobStore | None,
    holder: gallery.GalleryHolder | None,
    person_id: uuid.UUID,
    accepted: list[Accepted],
    source: EnrolmentSource,
    control_number: str | None,
) -> EnrolmentView:
    enrolment, action, old_images = _current(session, person_id)
    enrolment.source = source
    enrolment.control_number = control_number
    enrolment.finger_count = len(accepted)
    enrolment.enrolled_by = actor.user_id
    enrolment.enrolled_at = utcnow()
    session.flush()
    shas, new_blobs = _put_images(store, accepted)
    on_commit(session, lambda: None, rollback=_deleter(store, new_blobs))
    rows = [
        EnrolmentFinger(
            enrolment_id=enrolment.id,
            person_id=person_id,
            finger_position=a.finger_position,
            template=formats.serialize(a.template),
            quality=a.template.image_quality,
            minutiae=len(a.template),
            image_sha256=shas.get(a.finger_position),
        )
        for a in accepted
    ]
    session.add_all(rows)
    session.flush()
    seq = repo.next_seq(session)
    repo.add_change(session, seq=seq, person_id=person_id, action=GalleryAction.ADD)
    audit.record(
        session,
        actor=actor,
        action=action,
        record_type=RECORD_TYPE,
        record_id=person_id,
        detail={
            "version": enrolment.version,
            "source": source.value,
            "fingers": [a.finger_position for a in accepted],
            "control_number": control_number,
        },
    )
    unused = [sha for sha in old_images - set(shas.values()) if not repo.image_in_use(session, sha)]
    templates = {a.finger_position: a.template for a in accepted}
    on_commit(session, _after(holder, seq, person_id, templates, store, unused))
    return EnrolmentView(enrolment, rows)


def _deleter(store: BlobStore | None, shas: list[str]) -> Callable[[], None]:
    def delete() -> None:
        if store is not None:
            for sha in shas:
                store.delete(sha)

    return delete


def _after(
    holder: gallery.GalleryHolder | None,
    seq: int,
    person_id: uuid.UUID,
    templates: dict[int, engine.Template],
    store: BlobStore | None,
    unused: list[str],
) -> Callable[[], None]:
    def apply() -> None:
        if holder is not None:
            gallery.apply_change(holder, seq=seq, person_id=person_id, templates=templates)
        _deleter(store, unused)()

    return apply


def read_enrolment(
    session: Session, *, actor: Actor, person_id: uuid.UUID, purpose: str
) -> EnrolmentView:
    """A person's enrolment metadata, for a stated purpose (audited)."""
    enrolment = repo.enrolment_of(session, person_id)
    if enrolment is None:
        raise NotFound("no fingerprints are enrolled for this person")
    audit.record(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type=RECORD_TYPE,
        record_id=person_id,
        purpose=purpose,
    )
    return EnrolmentView(enrolment, repo.fingers_of(session, person_id))


def unenrol(
    session: Session,
    *,
    actor: Actor,
    store: BlobStore | None,
    holder: gallery.GalleryHolder | None,
    person_id: uuid.UUID,
    reason: str,
) -> None:
    """Destroy a person's enrolled prints (templates and images); the gallery forgets at once."""
    reason = reason.strip()
    if len(reason) < 5:
        message = "say why the prints are being destroyed (at least 5 characters)"
        raise InvalidInput(message, errors=[FieldError("/reason", message)])
    enrolment = repo.enrolment_of(session, person_id)
    if enrolment is None:
        raise NotFound("no fingerprints are enrolled for this person")
    fingers = repo.fingers_of(session, person_id)
    images = {f.image_sha256 for f in fingers if f.image_sha256}
    version = enrolment.version
    repo.delete_enrolment(session, enrolment)
    seq = repo.next_seq(session)
    repo.add_change(session, seq=seq, person_id=person_id, action=GalleryAction.REMOVE)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.DELETE,
        record_type=RECORD_TYPE,
        record_id=person_id,
        detail={
            "version": version,
            "fingers": [f.finger_position for f in fingers],
            "reason": reason,
        },
    )
    unused = [sha for sha in images if not repo.image_in_use(session, sha)]
    on_commit(session, _after(holder, seq, person_id, {}, store, unused))


def enrolled_count(session: Session) -> int:
    """How many people have prints enrolled (no personal data: a count)."""
    return repo.count_enrolments(session)


def enrolled_finger(
    session: Session, blob_store: BlobStore | None, *, person_id: uuid.UUID, finger_position: int
) -> EnrolledFinger | None:
    """The enrolled template, 500 ppi PNG image and quality of one finger, or None."""
    row = repo.finger_of(session, person_id, finger_position)
    if row is None:
        return None
    image: bytes | None = None
    if row.image_sha256 is not None and blob_store is not None:
        try:
            with blob_store.open(row.image_sha256) as fp:
                image = fp.read()
        except BlobNotFound:
            image = None
    return EnrolledFinger(
        template=formats.deserialize(row.template), image_png=image, quality=row.quality
    )
