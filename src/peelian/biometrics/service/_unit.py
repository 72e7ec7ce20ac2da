"""Work that must wait for the caller's transaction: run on commit, or undo on rollback.

Services never commit, so changes outside the database (the live gallery, blobs that become
unreferenced) are queued on the session and carried out once its outermost transaction
commits; a rollback drops them and runs the undo steps instead (removing blobs stored for an
enrolment that did not happen). Savepoints are honoured the same way as the job queue's
enqueue-after-commit (:mod:`peelian.worker._enqueue`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

__all__ = ["on_commit"]

log = logging.getLogger(__name__)
_PENDING = "peelian.biometrics.pending"


@dataclass(slots=True)
class _Pending:
    owner: SessionTransaction
    commit: Callable[[], None]
    rollback: Callable[[], None] | None


def on_commit(
    session: Session, commit: Callable[[], None], *, rollback: Callable[[], None] | None = None
) -> None:
    """Run `commit` once the session's transaction commits, or `rollback` if it does not."""
    owner = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(_PENDING, []).append(_Pending(owner, commit, rollback))


def _run(step: Callable[[], None], what: str) -> None:
    try:
        step()
    except Exception:
        # The transaction's outcome is settled; raising here would not change it.
        log.exception("biometrics: %s step failed after the transaction ended", what)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending: list[_Pending] = session.info.get(_PENDING, [])
    if not pending:
        return
    savepoint = session.get_nested_transaction()
    if savepoint is not None:
        for item in pending:
            if item.owner is savepoint:
                item.owner = savepoint.parent or savepoint
        return
    session.info[_PENDING] = []
    for item in pending:
        _run(item.commit, "commit")


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    pending: list[_Pending] = session.info.get(_PENDING, [])
    if not pending:
        return
    dropped = [p for p in pending if _within(p.owner, transaction)]
    if not dropped:
        return
    session.info[_PENDING] = [p for p in pending if not _within(p.owner, transaction)]
    for item in dropped:
        if item.rollback is not None:
            _run(item.rollback, "rollback")


def _within(owner: SessionTransaction | None, transaction: SessionTransaction) -> bool:
    while owner is not None:
        if owner is transaction:
            return True
        owner = owner.parent
    return False
