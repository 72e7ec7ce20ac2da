"""Engine set-up and the unit of work: one request or job is one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = ["Database", "create_database"]


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys on, and BEGIN IMMEDIATE so writers queue instead of failing mid-way."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
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
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = 10
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return Database(engine=engine, sessionmaker=sessionmaker(engine, expire_on_commit=False))
