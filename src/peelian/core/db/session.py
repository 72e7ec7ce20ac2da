"""Engine set-up and the unit of work: one request or job is one transaction."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = ["Database", "create_database"]


_WRITE_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
LOCK_TIMEOUT_S = 30.0


class _SerialConnection(sqlite3.Connection):
    """A SQLite connection that holds its process's write lock from BEGIN to COMMIT/ROLLBACK.

    SQLite admits one writer at a time and makes the others poll with growing sleeps (up to
    100 ms each), which turns a short queue into long tail latency. Queueing writers on a
    Python lock instead wakes the next one the moment the previous one commits. It is a plain
    Lock, not an RLock, because a request may begin in one thread and commit in another. Other
    processes (the job worker) still meet SQLite's own busy timeout.
    """

    write_lock: threading.Lock | None = None
    holds_lock = False

    def take_write_lock(self) -> None:
        lock = self.write_lock
        if lock is not None and not self.holds_lock:
            if not lock.acquire(timeout=LOCK_TIMEOUT_S):
                raise sqlite3.OperationalError("database is locked (waited 30 s for a writer)")
            self.holds_lock = True

    def _release(self) -> None:
        if self.holds_lock and self.write_lock is not None:
            self.holds_lock = False
            self.write_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()


def _lock_for(database: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(database, threading.Lock())


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys on, and BEGIN IMMEDIATE so writers queue instead of failing mid-way."""
    lock = _lock_for(str(engine.url.database))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        if isinstance(dbapi_connection, _SerialConnection):
            dbapi_connection.write_lock = lock
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Every request writes at least an audit event; taking the write lock up front means a
        # busy database makes a request wait instead of failing with SQLITE_BUSY_SNAPSHOT.
        dbapi = conn.connection.dbapi_connection
        if isinstance(dbapi, _SerialConnection):
            dbapi.take_write_lock()
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass(frozen=True)
class Database:
    """An engine with its session factory."""

    engine: Engine
    sessionmaker: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        """True on the embedded SQLite database."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session committed if the block succeeds and rolled back if it raises."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def create_database(url: str, *, echo: bool = False) -> Database:
    """Build the engine for a URL, configured for SQLite or PostgreSQL."""
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        kwargs["connect_args"] = {
            "check_same_thread": False,
            "timeout": 30,
            "factory": _SerialConnection,
        }
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = 10
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return Database(engine=engine, sessionmaker=sessionmaker(engine, expire_on_commit=False))
