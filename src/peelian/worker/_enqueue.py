"""Enqueue after commit: jobs wait in the session and are sent only once its transaction commits.

A job queued inside a SAVEPOINT lives or dies with that savepoint: released, it moves to the
enclosing transaction; rolled back, it is dropped. Nothing is sent until the outermost
transaction commits, and a rollback or a close without commit drops everything pending. A
job therefore never runs against data that was not committed, and a failed attempt leaves no
job behind. Sending happens after the commit, so a queue outage at that instant loses the job
(it is logged with its id); jobs must be idempotent, and a periodic sweep should re-queue work
whose loss matters. If no transaction is open, enqueue() begins one (as autobegin would).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from peelian.worker.queue import get_task

logger = logging.getLogger(__name__)

JSONValue: TypeAlias = (
    str | int | float | bool | Sequence["JSONValue"] | Mapping[str, "JSONValue"] | None
)

_PENDING = "peelian.worker.pending_jobs"


@dataclass(slots=True)
class _PendingJob:
    owner: SessionTransaction
    huey: Any
    task: Any


def enqueue(
    session: Session, task: str | Callable[..., Any], /, *args: JSONValue, **kwargs: JSONValue
) -> str:
    """Queue a job to be sent when `session` commits; returns the job id for result lookups."""
    for position, value in enumerate(args):
        _check_jsonable(value, f"#{position}")
    for keyword, value in kwargs.items():
        _check_jsonable(value, repr(keyword))
    wrapper = get_task(task)
    job = wrapper.s(*args, **kwargs)
    owner = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(_PENDING, []).append(_PendingJob(owner, wrapper.huey, job))
    return str(job.id)


def pending_jobs(session: Session) -> list[str]:
    """Return the names of the jobs waiting for `session` to commit (for tests and debugging)."""
    return [job.task.name for job in session.info.get(_PENDING, [])]


def _check_jsonable(value: object, where: str) -> None:
    # Exact types: subclasses (enums, models) would be pickled as objects, not as plain ids.
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return
    if isinstance(value, float) and kind is float and math.isfinite(value):
        return
    if isinstance(value, list | tuple) and kind in (list, tuple):
        for index, item in enumerate(value):
            _check_jsonable(item, f"{where}[{index}]")
        return
    if isinstance(value, dict) and kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"job argument {where} has a non-string key {key!r}")
            _check_jsonable(item, f"{where}[{key!r}]")
        return
    raise TypeError(
        f"job argument {where} is a {kind.__name__}, which is not JSON-able: jobs take ids "
        "(str, int; pass str(uuid)), never objects or personal data"
    )


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    jobs: list[_PendingJob] = session.info.get(_PENDING, [])
    if not jobs:
        return
    savepoint = session.get_nested_transaction()
    if savepoint is not None:
        # A released savepoint's jobs now depend on the transaction around it.
        for job in jobs:
            if job.owner is savepoint:
                job.owner = savepoint.parent or savepoint
        return
    session.info[_PENDING] = []
    for job in jobs:
        try:
            job.huey.enqueue(job.task)
        except Exception:
            # The data is committed; raising here would not undo it. Ids only in the log.
            logger.exception("could not send job %s (%s) after commit", job.task.name, job.task.id)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    jobs: list[_PendingJob] = session.info.get(_PENDING, [])
    if jobs:
        # Whatever is still owned by an ending transaction (or one inside it) was not committed.
        session.info[_PENDING] = [job for job in jobs if not _within(job.owner, transaction)]


def _within(owner: SessionTransaction | None, transaction: SessionTransaction) -> bool:
    while owner is not None:
        if owner is transaction:
            return True
        owner = owner.parent
    return False
