"""Worker fixtures: a SQLite database session and a configured queue on temp SQLite storage."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from huey import Huey
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session

import tests.worker._tasks  # noqa: F401 - declares the testing.* jobs
from peelian.worker import configure_queue, make_huey

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A file-backed SQLite engine with real SAVEPOINT support and one table."""
    engine = create_engine(f"sqlite:///{tmp_path / 'app.db'}")

    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE items (id INTEGER PRIMARY KEY)"))
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database, closed after the test."""
    with Session(engine) as session:
        yield session


@pytest.fixture
def huey(tmp_path: Path) -> Huey:
    """A SqliteHuey in a temp file, configured as the queue; nothing consumes it."""
    queue = make_huey(redis_url=None, sqlite_path=tmp_path / "queue" / "huey.db")
    configure_queue(queue)
    return queue


@pytest.fixture
def memory_huey(tmp_path: Path) -> Huey:
    """An immediate-mode queue on in-memory storage, configured as the queue."""
    queue = make_huey(redis_url=None, sqlite_path=tmp_path / "unused.db", immediate=True)
    configure_queue(queue)
    return queue


@pytest.fixture
def redis_huey() -> Iterator[Huey]:
    """A RedisHuey on the local Redis, db 15, under a unique name; its keys removed after."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {error}")
    finally:
        client.close()
    queue = make_huey(
        redis_url=REDIS_URL, sqlite_path=Path("unused"), name=f"peelian-test-{uuid.uuid4().hex}"
    )
    configure_queue(queue)
    yield queue
    queue.flush()
    queue.storage.pool.disconnect()
