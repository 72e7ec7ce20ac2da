"""Bulk loading for seeding: COPY on PostgreSQL, executemany on SQLite; no ORM per row.

Rows are plain tuples in the table's column order given; values are converted here to what
each database stores (SQLAlchemy's Uuid is 32 hex characters on SQLite, times are naive UTC).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.core.time import as_utc
from peelian.records.models import IncidentCounter

__all__ = ["counters", "insert_rows", "set_counters"]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return as_utc(value).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _pg_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows into a table inside the session's transaction."""
    if not rows:
        return
    conn = session.connection()
    dbapi: Any = conn.connection.dbapi_connection
    cols = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_pg_value(v) for v in row])
        return
    marks = ", ".join("?" * len(columns))
    cur = dbapi.cursor()
    try:
        cur.executemany(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # noqa: S608 - fixed names
            [[_sqlite_value(v) for v in row] for row in rows],
        )
    finally:
        cur.close()


def counters(session: Session) -> dict[str, int]:
    """Every day's last incident number."""
    return {c.day: c.last for c in session.scalars(select(IncidentCounter))}


def set_counters(session: Session, values: dict[str, int]) -> None:
    """Raise days' counters to the given numbers."""
    for day, last in values.items():
        row = session.get(IncidentCounter, day)
        if row is None:
            session.add(IncidentCounter(day=day, last=last))
        else:
            row.last = max(row.last, last)
    session.flush()
