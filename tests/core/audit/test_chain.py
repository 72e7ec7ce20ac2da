"""The audit chain: appends link up, and any single change, deletion or reordering is detected."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction, AuditCheckpoint, AuditEvent, AuditSigner

ACTIONS = list(AuditAction)
EVENTS = AuditEvent.__table__  # tamper through Core, as an attacker with SQL access would


def _append(session: Session, n: int, seed: int = 0) -> list[AuditEvent]:
    actor = Actor(uuid.UUID(int=seed + 1), "officer")
    return [
        audit.record(
            session,
            actor=actor,
            action=ACTIONS[(seed + i) % len(ACTIONS)],
            record_type="person",
            record_id=str(uuid.UUID(int=seed * 1000 + i)),
            purpose=f"purpose {i}",
            detail={"i": i},
        )
        for i in range(n)
    ]


class TestRecord:
    def test_links_each_event_to_the_previous_hash(self, db_session: Session) -> None:
        events = _append(db_session, 3)
        assert events[1].prev_hash == events[0].hash
        assert events[2].prev_hash == events[1].hash
        assert [e.seq for e in events] == [events[0].seq, events[0].seq + 1, events[0].seq + 2]

    def test_verify_accepts_an_untouched_chain(
        self, db_session: Session, signer: AuditSigner
    ) -> None:
        _append(db_session, 5)
        audit.checkpoint(db_session, signer=signer)
        report = audit.verify(db_session, signer=signer)
        assert report.ok, report.reason
        assert report.checkpoints == 1


class TestVerifyDetectsTampering:
    def test_altered_purpose(self, db_session: Session) -> None:
        events = _append(db_session, 4)
        db_session.execute(
            EVENTS.update().where(EVENTS.c.seq == events[2].seq).values(purpose="nothing to see")
        )
        report = audit.verify(db_session)
        assert not report.ok
        assert report.broken_seq == events[2].seq
        assert "altered" in (report.reason or "")

    def test_deleted_middle_event(self, db_session: Session) -> None:
        events = _append(db_session, 4)
        db_session.execute(EVENTS.delete().where(EVENTS.c.seq == events[1].seq))
        report = audit.verify(db_session)
        assert report.broken_seq == events[1].seq

    def test_deleted_last_event(self, db_session: Session) -> None:
        events = _append(db_session, 3)
        db_session.execute(EVENTS.delete().where(EVENTS.c.seq == events[-1].seq))
        report = audit.verify(db_session)
        assert not report.ok
        assert report.broken_seq == events[-1].seq

    def test_checkpoint_signed_by_another_key(
        self, db_session: Session, signer: AuditSigner
    ) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        _append(db_session, 2)
        audit.checkpoint(db_session, signer=AuditSigner(Ed25519PrivateKey.generate()))
        report = audit.verify(db_session, signer=signer)
        assert not report.ok
        assert "signature" in (report.reason or "")

    def test_rewritten_chain_no_longer_matches_checkpoint(
        self, db_session: Session, signer: AuditSigner
    ) -> None:
        events = _append(db_session, 3)
        audit.checkpoint(db_session, signer=signer)
        cp = db_session.scalars(select(AuditCheckpoint)).one()
        db_session.execute(
            update(AuditCheckpoint).where(AuditCheckpoint.id == cp.id).values(hash="f" * 64)
        )
        report = audit.verify(db_session, signer=signer)
        assert report.broken_seq == events[-1].seq


TAMPERS = st.sampled_from(["alter", "delete", "swap"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(min_value=2, max_value=12),
    pick=st.integers(min_value=0, max_value=10_000),
    tamper=TAMPERS,
    field=st.sampled_from(["purpose", "record_id", "actor_role", "outcome"]),
)
def test_any_single_tampering_is_detected_at_the_first_broken_event(
    db_session: Session, n: int, pick: int, tamper: str, field: str
) -> None:
    """Property: over random logs, altering, deleting or reordering one event is always caught,
    and verify names the first event that no longer fits."""
    savepoint = db_session.begin_nested()
    try:
        events = _append(db_session, n, seed=pick)
        first = events[0].seq
        i = pick % n
        target = events[i]
        if tamper == "alter":
            db_session.execute(
                EVENTS.update().where(EVENTS.c.seq == target.seq).values({field: "tampered"})
            )
            expected = target.seq
        elif tamper == "delete":
            db_session.execute(EVENTS.delete().where(EVENTS.c.seq == target.seq))
            expected = target.seq
        else:
            j = (i + 1) % n
            a, b = sorted((i, j))
            ea, eb = events[a], events[b]
            # Swap two events' positions: move ea out of the way, then exchange sequence numbers.
            db_session.execute(EVENTS.update().where(EVENTS.c.seq == ea.seq).values(seq=-1))
            db_session.execute(EVENTS.update().where(EVENTS.c.seq == eb.seq).values(seq=ea.seq))
            db_session.execute(EVENTS.update().where(EVENTS.c.seq == -1).values(seq=eb.seq))
            expected = ea.seq
        db_session.expire_all()
        report = audit.verify(db_session)
        assert not report.ok
        assert report.broken_seq is not None
        assert first == 1
        assert report.broken_seq == expected
    finally:
        savepoint.rollback()


def test_verify_on_an_empty_log_is_ok(db_session: Session) -> None:
    assert audit.verify(db_session).ok
