"""Queue set-up, the task registry, and real round trips on SQLite and Redis storage."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy.orm import Session

from peelian.worker import (
    configure_queue,
    enqueue,
    get_queue,
    get_task,
    make_huey,
    registered_tasks,
    task,
)
from peelian.worker import queue as queue_module
from tests.worker import _tasks
from tests.worker.conftest import REDIS_URL

REPO_ROOT = Path(__file__).resolve().parents[2]


class TestMakeHuey:
    @pytest.mark.integration
    def test_without_redis_url_uses_sqlite_at_the_path(self, tmp_path: Path) -> None:
        huey = make_huey(redis_url=None, sqlite_path=tmp_path / "var" / "huey.db")

        assert isinstance(huey, SqliteHuey)
        assert huey.name == "peelian"
        assert (tmp_path / "var" / "huey.db").exists()

    @pytest.mark.unit
    def test_with_redis_url_uses_redis_from_a_pool(self, tmp_path: Path) -> None:
        huey = make_huey(redis_url=REDIS_URL, sqlite_path=tmp_path / "unused.db", name="q")

        assert isinstance(huey, RedisHuey)
        assert huey.name == "q"
        assert huey.storage.pool.connection_kwargs["db"] == 15
        assert not (tmp_path / "unused.db").exists()

    @pytest.mark.unit
    def test_immediate_runs_jobs_in_process_when_sent(self, tmp_path: Path) -> None:
        huey = make_huey(redis_url=None, sqlite_path=tmp_path / "huey.db", immediate=True)
        configure_queue(huey)

        result = get_task("testing.add")(2, 3)

        assert result() == 5
        assert not (tmp_path / "huey.db").exists()


@pytest.mark.unit
class TestTask:
    def test_decorated_function_is_returned_unchanged(self) -> None:
        assert _tasks.add(1, 2) == 3
        assert registered_tasks()["testing.add"].func is _tasks.add

    @pytest.mark.parametrize("name", ["reindex", "Records.reindex", "records.re-index", "a.b.c"])
    def test_name_that_is_not_domain_verb_is_rejected(self, name: str) -> None:
        with pytest.raises(ValueError, match=r"must look like 'domain\.verb'"):
            task(name)

    def test_second_function_with_a_taken_name_is_rejected(self) -> None:
        @task("testing.taken")
        def first() -> None: ...

        def second() -> None: ...

        with pytest.raises(ValueError, match=r"'testing\.taken' is already declared by .*first"):
            task("testing.taken")(second)

    def test_task_declared_after_configuration_is_bound_at_once(self, memory_huey: Huey) -> None:
        @task("testing.late")
        def late() -> str:
            return "late"

        assert get_task("testing.late").name == "testing.late"

    def test_wire_name_does_not_depend_on_the_defining_module(self, memory_huey: Huey) -> None:
        assert memory_huey._registry.task_to_string(get_task("testing.add").task_class) == (
            "peelian.testing.add"
        )

    def test_schedule_makes_a_periodic_job(self, memory_huey: Huey) -> None:
        @task("testing.nightly", schedule=crontab(minute="0", hour="3"))
        def nightly() -> None: ...

        due = memory_huey.read_periodic(dt.datetime(2026, 1, 1, 3, 0))

        assert [job.name for job in due if job.name.startswith("testing.")] == ["testing.nightly"]


@pytest.mark.unit
class TestGetQueue:
    def test_unconfigured_queue_raises_runtime_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(queue_module, "_queue", None)

        with pytest.raises(RuntimeError, match="no job queue configured"):
            get_queue()

    def test_configured_queue_is_returned(self, memory_huey: Huey) -> None:
        assert get_queue() is memory_huey


@pytest.mark.integration
class TestSqliteRoundTrip:
    def test_committed_job_is_dequeued_executed_and_its_result_stored(
        self, session: Session, huey: Huey
    ) -> None:
        job_id = enqueue(session, "testing.add", 20, 22)
        session.commit()

        huey.execute(huey.dequeue())

        assert huey.result(job_id) == 42


@pytest.mark.integration
class TestRedisRoundTrip:
    def test_committed_job_is_dequeued_executed_and_its_result_stored(
        self, session: Session, redis_huey: Huey
    ) -> None:
        job_id = enqueue(session, "testing.add", 40, 2)
        assert redis_huey.pending_count() == 0

        session.commit()
        assert redis_huey.pending_count() == 1
        job = redis_huey.dequeue()
        redis_huey.execute(job)

        assert (job.id, job.name) == (job_id, "testing.add")
        assert redis_huey.pending_count() == 0
        assert redis_huey.result(job_id) == 42

    def test_jobs_stay_in_redis_db_15(self, session: Session, redis_huey: Huey) -> None:
        enqueue(session, "testing.touch", "1")
        session.commit()

        db15 = redis.Redis.from_url(REDIS_URL)
        try:
            assert db15.llen(redis_huey.storage.queue_key) == 1
        finally:
            db15.close()


_WORKER_SCRIPT = """
import sys
from pathlib import Path
import tests.worker._tasks
from peelian.worker import configure_queue, make_huey, run_worker
huey = make_huey(redis_url=None, sqlite_path=Path(sys.argv[1]))
configure_queue(huey)
run_worker(huey, workers=2)
"""


@pytest.mark.integration
class TestRunWorker:
    def test_consumer_process_runs_a_committed_job(self, session: Session, tmp_path: Path) -> None:
        queue_path = tmp_path / "huey.db"
        huey = make_huey(redis_url=None, sqlite_path=queue_path)
        configure_queue(huey)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)]),
        }
        worker = subprocess.Popen(
            [sys.executable, "-c", _WORKER_SCRIPT, str(queue_path)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            job_id = enqueue(session, "testing.add", 1, 2)
            session.commit()

            assert huey.result(job_id, blocking=True, timeout=20) == 3
        finally:
            worker.send_signal(signal.SIGINT)
            output, _ = worker.communicate(timeout=20)
        assert worker.returncode == 0, output.decode()
