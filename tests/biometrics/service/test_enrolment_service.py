"""Enrolment from images and ANSI/NIST-ITL transactions, re-enrolment and destruction."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.fixtures.biometrics_enrol import fvc, fvc_png, noise_png, probe
from tests.fixtures.records import make_person

from peelian.biometrics.ansi_nist import FingerCapture, build_transaction
from peelian.biometrics.gallery import EnrolmentKey
from peelian.biometrics.models.enrolment import (
    Enrolment,
    EnrolmentFinger,
    EnrolmentSource,
    GalleryChange,
)
from peelian.biometrics.service import enrolment
from peelian.biometrics.service.enrolment import FingerImageIn
from peelian.biometrics.service.gallery import GalleryHolder
from peelian.core.audit import Actor
from peelian.core.audit.models import AuditEvent
from peelian.core.errors import InvalidInput, NotFound
from peelian.core.storage import LocalBlobStore

ACTOR = Actor(user_id=uuid.UUID(int=42), role="fingerprint_examiner")


def _enrol(
    session: Session,
    store: LocalBlobStore,
    holder: GalleryHolder,
    person_id: uuid.UUID,
    fingers: dict[int, bytes],
) -> enrolment.EnrolmentView:
    return enrolment.enrol_images(
        session,
        actor=ACTOR,
        store=store,
        holder=holder,
        person_id=person_id,
        fingers=[FingerImageIn(pos, data) for pos, data in fingers.items()],
    )


def _top(holder: GalleryHolder, probes: list) -> uuid.UUID | None:  # type: ignore[type-arg]
    found = holder.index.search(probes, top=1, min_score=40)
    return found[0].subject_id if found else None


def _blobs(store: LocalBlobStore) -> set[str]:
    return {p.name for p in store.root.rglob("*") if p.is_file() and len(p.name) == 64}


class TestEnrolImages:
    def test_enrols_fvc_prints_that_the_gallery_then_finds(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        view = _enrol(db_session, store, holder, person_id, {2: fvc(101, 1), 7: fvc(102, 1)})
        assert len(holder.index) == 0  # nothing reaches the gallery before the commit
        db_session.commit()
        assert view.enrolment.version == 1
        assert view.enrolment.source is EnrolmentSource.IMAGES
        assert [f.finger_position for f in view.fingers] == [2, 7]
        assert len(holder.index) == 2
        assert _top(holder, [probe(101, 3, 2), probe(102, 3, 7)]) == person_id
        finger = enrolment.enrolled_finger(
            db_session, store, person_id=person_id, finger_position=7
        )
        assert finger is not None
        assert finger.quality >= 30
        assert len(finger.template) >= 12
        assert finger.image_png is not None
        assert Image.open(io.BytesIO(finger.image_png)).format == "PNG"

    def test_refuses_an_unusable_capture_naming_the_finger(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        with pytest.raises(InvalidInput) as err:
            _enrol(db_session, store, holder, person_id, {2: fvc(101, 1), 7: noise_png()})
        assert "finger 7 (left index)" in err.value.detail
        assert "no usable ridges" in err.value.detail
        assert [e.field for e in err.value.errors] == ["/finger_7"]
        db_session.commit()
        assert (
            enrolment.enrolled_finger(db_session, store, person_id=person_id, finger_position=2)
            is None
        )
        assert _blobs(store) == set()
        assert len(holder.index) == 0

    def test_refuses_a_file_that_is_not_an_image(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        with pytest.raises(InvalidInput, match=r"finger 2 .*not a readable image"):
            _enrol(db_session, store, holder, person_id, {2: b"hello, world" * 10, 7: fvc(102, 1)})

    @pytest.mark.parametrize("bad", [0, 11, -1])
    def test_refuses_a_wrong_finger_code(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
        bad: int,
    ) -> None:
        with pytest.raises(InvalidInput, match=f"finger code {bad} is not a NIST finger position"):
            _enrol(db_session, store, holder, person_id, {2: fvc(101, 1), bad: fvc(102, 1)})

    def test_needs_at_least_two_fingers(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        with pytest.raises(InvalidInput, match="needs 2 to 10 fingers; got 1"):
            _enrol(db_session, store, holder, person_id, {2: fvc(101, 1)})

    def test_refuses_a_person_not_held_in_records(
        self, db_session: Session, store: LocalBlobStore, holder: GalleryHolder
    ) -> None:
        stranger = uuid.UUID(int=99)
        with pytest.raises(InvalidInput, match=r"no person with id .* is held in records"):
            _enrol(db_session, store, holder, stranger, {2: fvc(101, 1), 7: fvc(102, 1)})

    def test_a_failed_transaction_leaves_database_gallery_and_blobs_unchanged(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        _enrol(db_session, store, holder, person_id, {2: fvc(101, 1), 7: fvc(102, 1)})
        db_session.commit()
        blobs, size = _blobs(store), len(holder.index)
        _enrol(db_session, store, holder, person_id, {2: fvc(103, 1), 7: fvc(104, 1)})
        assert _blobs(store) > blobs  # the new images were stored ...
        db_session.rollback()  # ... and then the request failed before its commit
        assert _blobs(store) == blobs
        assert len(holder.index) == size
        assert _top(holder, [probe(101, 2, 2), probe(102, 2, 7)]) == person_id
        assert _top(holder, [probe(103, 2, 2), probe(104, 2, 7)]) is None
        row = db_session.scalars(select(Enrolment).where(Enrolment.person_id == person_id)).one()
        assert row.version == 1
        assert db_session.scalars(select(GalleryChange)).all()[-1].person_id == person_id


class TestReenrol:
    def test_replaces_the_previous_set(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        _enrol(db_session, store, holder, person_id, {2: fvc(101, 1), 7: fvc(102, 1)})
        db_session.commit()
        old = enrolment.enrolled_finger(db_session, store, person_id=person_id, finger_position=7)
        view = _enrol(db_session, store, holder, person_id, {2: fvc(101, 2), 3: fvc(105, 1)})
        db_session.commit()
        assert view.enrolment.version == 2
        assert EnrolmentKey(person_id, 7) not in holder.index
        assert EnrolmentKey(person_id, 3) in holder.index
        assert len(holder.index) == 2
        assert (
            enrolment.enrolled_finger(db_session, store, person_id=person_id, finger_position=7)
            is None
        )
        assert old is not None
        assert old.image_png is not None
        assert len(_blobs(store)) == 2  # the left index image went with its finger
        rows = db_session.scalars(
            select(EnrolmentFinger).where(EnrolmentFinger.person_id == person_id)
        )
        assert sorted(r.finger_position for r in rows) == [2, 3]


class TestEnrolTransaction:
    def _tx(self, person_id: uuid.UUID | str | None, **kw: object) -> bytes:
        fingers = [
            FingerCapture(2, fvc_png(106, 1), 388, 374),
            FingerCapture(7, fvc_png(107, 1), 388, 374),
        ]
        type2 = {"2.018": "SMITH,JOHN"}
        if person_id is not None:
            type2[enrolment.PERSON_ID_FIELD] = str(person_id)
        return build_transaction(fingers=fingers, type2=type2, control_number="TCN-0042", **kw)  # type: ignore[arg-type]

    def test_enrols_from_type_14_records(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        view = enrolment.enrol_transaction(
            db_session, actor=ACTOR, store=store, holder=holder, data=self._tx(person_id)
        )
        db_session.commit()
        assert view.enrolment.source is EnrolmentSource.ANSI_NIST
        assert view.enrolment.control_number == "TCN-0042"
        assert _top(holder, [probe(106, 4, 2), probe(107, 4, 7)]) == person_id

    def test_enrols_raw_uncompressed_images(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        raw = [
            FingerCapture(f, Image.open(io.BytesIO(fvc(n, 1))).tobytes(), 388, 374, "NONE")
            for f, n in ((2, 108), (7, 109))
        ]
        data = build_transaction(fingers=raw, type2={enrolment.PERSON_ID_FIELD: str(person_id)})
        view = enrolment.enrol_transaction(
            db_session, actor=ACTOR, store=store, holder=holder, data=data
        )
        assert [f.finger_position for f in view.fingers] == [2, 7]

    def test_malformed_transaction_names_record_and_offset(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        data = self._tx(person_id)
        with pytest.raises(InvalidInput) as err:
            enrolment.enrol_transaction(
                db_session, actor=ACTOR, store=store, holder=holder, data=data[:-40]
            )
        assert err.value.detail.startswith("malformed ANSI/NIST-ITL transaction: record Type-14")
        assert err.value.extra["record"] == "Type-14"
        assert isinstance(err.value.extra["offset"], int)

    def test_unknown_record_type_is_named(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        data = (
            self._tx(person_id)
            .replace(b"14\x1f1", b"77\x1f1", 1)
            .replace(b"14.001:", b"77.001:", 1)
        )
        with pytest.raises(InvalidInput, match="record type 77 is unknown"):
            enrolment.enrol_transaction(
                db_session, actor=ACTOR, store=store, holder=holder, data=data
            )

    def test_missing_person_field_is_named(
        self, db_session: Session, store: LocalBlobStore, holder: GalleryHolder
    ) -> None:
        with pytest.raises(
            InvalidInput, match=r"Type-2 field 2\.100 \(records person id\) is missing"
        ):
            enrolment.enrol_transaction(
                db_session, actor=ACTOR, store=store, holder=holder, data=self._tx(None)
            )

    def test_bad_person_field_is_named(
        self, db_session: Session, store: LocalBlobStore, holder: GalleryHolder
    ) -> None:
        with pytest.raises(InvalidInput, match="is not a person id"):
            enrolment.enrol_transaction(
                db_session, actor=ACTOR, store=store, holder=holder, data=self._tx("P123")
            )


class TestUnenrol:
    def test_destroys_prints_and_the_gallery_forgets_at_once(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        _enrol(db_session, store, holder, person_id, {2: fvc(101, 1), 7: fvc(102, 1)})
        db_session.commit()
        probes = [probe(101, 5, 2), probe(102, 5, 7)]
        assert _top(holder, probes) == person_id
        enrolment.unenrol(
            db_session, actor=ACTOR, store=store, holder=holder, person_id=person_id,
            reason="NFA: no further action, PACE s.63D destruction",
        )  # fmt: skip
        assert _top(holder, probes) == person_id  # not before the commit
        db_session.commit()
        assert _top(holder, probes) is None
        assert len(holder.index) == 0
        assert _blobs(store) == set()
        assert db_session.scalars(select(EnrolmentFinger)).all() == []
        with pytest.raises(NotFound):
            enrolment.read_enrolment(
                db_session, actor=ACTOR, person_id=person_id, purpose="check it"
            )

    def test_needs_a_reason(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        with pytest.raises(InvalidInput, match="say why"):
            enrolment.unenrol(
                db_session, actor=ACTOR, store=store, holder=holder, person_id=person_id, reason=" "
            )

    def test_not_enrolled_is_not_found(
        self,
        db_session: Session,
        store: LocalBlobStore,
        holder: GalleryHolder,
        person_id: uuid.UUID,
    ) -> None:
        with pytest.raises(NotFound):
            enrolment.unenrol(
                db_session,
                actor=ACTOR,
                store=store,
                holder=holder,
                person_id=person_id,
                reason="destroy it",
            )


class TestAudit:
    def test_every_enrolment_read_and_deletion_is_audited_without_biometric_bytes(
        self, db_session: Session, store: LocalBlobStore, holder: GalleryHolder
    ) -> None:
        person = make_person(db_session, "Audrey", "Trail")
        _enrol(db_session, store, holder, person.id, {2: fvc(101, 1), 7: fvc(102, 1)})
        _enrol(db_session, store, holder, person.id, {2: fvc(101, 2), 7: fvc(102, 2)})
        enrolment.read_enrolment(
            db_session, actor=ACTOR, person_id=person.id, purpose="custody review"
        )
        enrolment.unenrol(
            db_session,
            actor=ACTOR,
            store=store,
            holder=holder,
            person_id=person.id,
            reason="court order",
        )
        events = db_session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.record_type == "biometric_enrolment",
                AuditEvent.record_id == str(person.id),
            )
            .order_by(AuditEvent.seq)
        ).all()
        assert [e.action.value for e in events] == ["create", "update", "read", "delete"]
        assert all(e.actor_id == ACTOR.user_id for e in events)
        assert events[0].detail == {
            "version": 1, "source": "images", "fingers": [2, 7], "control_number": None,
        }  # fmt: skip
        assert events[2].purpose == "custody review"
        assert events[3].detail["reason"] == "court order"
        # Nothing in the trail but ids, codes and counts: no template or image bytes.
        dumped = json.dumps([e.detail for e in events])
        assert len(dumped) < 400
