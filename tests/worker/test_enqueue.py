"""Jobs are held by the session and sent exactly once, only after the outermost commit."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

import pytest
from huey import Huey
from sqlalchemy import text
from sqlalchemy.orm import Session

from peelian.worker import enqueue, pending_jobs
from tests.worker._tasks import add

pytestmark = pytest.mark.integration


def _insert(session: Session, item_id: int) -> None:
    session.execute(text("INSERT INTO items (id) VALUES (:id)"), {"id": item_id})


class TestEnqueue:
    def test_job_is_not_sent_before_commit(self, session: Session, huey: Huey) -> None:
        _insert(session, 1)

        enqueue(session, "testing.touch", "1")

        assert huey.pending_count() == 0
        assert pending_jobs(session) == ["testing.touch"]

    def test_job_is_sent_exactly_once_after_commit(self, session: Session, huey: Huey) -> None:
        enqueue(session, "testing.touch", "1")

        session.commit()
        session.commit()

        assert huey.pending_count() == 1
        assert pending_jobs(session) == []

    def test_job_is_discarded_on_rollback(self, session: Session, huey: Huey) -> None:
        enqueue(session, "testing.touch", "1")

        session.rollback()
        session.commit()

        assert huey.pending_count() == 0

    def test_job_is_discarded_when_session_closes_without_commit(
        self, session: Session, huey: Huey
    ) -> None:
        _insert(session, 1)
        enqueue(session, "testing.touch", "1")

        session.close()
        session.commit()

        assert huey.pending_count() == 0

    def test_job_in_released_savepoint_is_discarded_when_outer_rolls_back(
        self, session: Session, huey: Huey
    ) -> None:
        enqueue(session, "testing.touch", "outer")
        with session.begin_nested():
            _insert(session, 1)
            enqueue(session, "testing.touch", "inner")

        session.rollback()
        session.commit()

        assert huey.pending_count() == 0

    def test_job_in_released_savepoint_is_sent_on_outer_commit(
        self, session: Session, huey: Huey
    ) -> None:
        with session.begin_nested():
            enqueue(session, "testing.touch", "inner")

        assert huey.pending_count() == 0
        session.commit()

        assert huey.pending_count() == 1

    def test_job_in_rolled_back_savepoint_is_discarded_but_outer_job_is_sent(
        self, session: Session, huey: Huey
    ) -> None:
        enqueue(session, "testing.touch", "outer")
        savepoint = session.begin_nested()
        enqueue(session, "testing.touch", "inner")
        savepoint.rollback()

        session.commit()

        assert [task.args for task in huey.pending()] == [("outer",)]

    def test_job_in_nested_savepoints_follows_the_innermost_rollback(
        self, session: Session, huey: Huey
    ) -> None:
        outer = session.begin_nested()
        inner = session.begin_nested()
        enqueue(session, "testing.touch", "deepest")
        inner.commit()
        outer.rollback()

        session.commit()

        assert huey.pending_count() == 0

    def test_commit_with_savepoint_still_open_sends_the_job(
        self, session: Session, huey: Huey
    ) -> None:
        session.begin_nested()
        enqueue(session, "testing.touch", "inner")

        session.commit()

        assert huey.pending_count() == 1

    def test_enqueue_before_any_statement_begins_the_transaction(
        self, session: Session, huey: Huey
    ) -> None:
        assert not session.in_transaction()

        enqueue(session, "testing.touch", "1")
        session.commit()

        assert huey.pending_count() == 1

    def test_jobs_belong_to_their_own_session(self, session: Session, huey: Huey) -> None:
        with Session(session.get_bind()) as other:
            enqueue(other, "testing.touch", "other")
            enqueue(session, "testing.touch", "mine")
            other.rollback()

        session.commit()

        assert [task.args for task in huey.pending()] == [("mine",)]

    def test_task_can_be_named_by_its_function(self, session: Session, huey: Huey) -> None:
        job_id = enqueue(session, add, 2, b=3)
        session.commit()

        job = huey.dequeue()

        assert (job.id, job.name, job.args, job.kwargs) == (job_id, "testing.add", (2,), {"b": 3})

    def test_unknown_task_is_rejected_at_enqueue(self, session: Session, huey: Huey) -> None:
        with pytest.raises(LookupError, match=r"no task declared as 'testing\.missing'"):
            enqueue(session, "testing.missing")

    @pytest.mark.parametrize(
        "argument",
        [
            uuid.UUID(int=1),
            b"raw bytes",
            dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            object(),
            float("nan"),
            {1: "int key"},
            ["ok", {"nested": {"deeper": b"bytes"}}],
        ],
        ids=["uuid", "bytes", "datetime", "object", "nan", "int-key", "nested-bytes"],
    )
    def test_non_json_argument_is_rejected_with_a_type_error(
        self, session: Session, huey: Huey, argument: Any
    ) -> None:
        with pytest.raises(TypeError, match="job argument"):
            enqueue(session, "testing.touch", argument)

        assert pending_jobs(session) == []

    def test_non_json_keyword_argument_names_the_keyword(
        self, session: Session, huey: Huey
    ) -> None:
        with pytest.raises(TypeError, match=r"job argument 'item_id' is a UUID.*str\(uuid\)"):
            enqueue(session, "testing.touch", item_id=uuid.UUID(int=1))  # type: ignore[arg-type]

    def test_nested_json_arguments_are_accepted(self, session: Session, huey: Huey) -> None:
        enqueue(session, "testing.touch", ["a", 1, 2.5, True, None, {"k": ["v"]}])
        session.commit()

        assert huey.pending_count() == 1

    def test_send_failure_after_commit_is_logged_not_raised(
        self, session: Session, huey: Huey, monkeypatch: pytest.MonkeyPatch, caplog: Any
    ) -> None:
        def broken(task: Any) -> None:
            raise ConnectionError("queue is down")

        monkeypatch.setattr(huey, "enqueue", broken)
        _insert(session, 7)
        job_id = enqueue(session, "testing.touch", "7")

        with caplog.at_level(logging.ERROR, logger="peelian.worker._enqueue"):
            session.commit()

        assert session.execute(text("SELECT count(*) FROM items")).scalar_one() == 1
        assert f"could not send job testing.touch ({job_id})" in caplog.text
