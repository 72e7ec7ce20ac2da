"""Bulk loading for seeding: COPY on PostgreSQL, executemany on SQLite; no ORM per row.

Rows arrive already encoded as text and numbers that both databases accept for their column
types (UUIDs as 32 hex digits, which is also how SQLAlchemy stores them on SQLite; dates in ISO
form; times through `Encoder.time`, naive UTC on SQLite and with an offset on PostgreSQL).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.core.time import as_utc
from peelian.records.models import IncidentCounter

__all__ = ["Encoder", "counters", "encoder_for", "insert_rows", "set_counters", "uuid7_hex"]

# SQLite page cache while seeding (KiB, negative as SQLite wants): random-order index inserts
# into a table much bigger than the default 2 MiB cache would otherwise read pages back.
SEED_CACHE_KIB = 512 * 1024


@dataclass(frozen=True)
class Encoder:
    """How the connected database wants a timestamp written."""

    postgres: bool

    def time(self, value: datetime | None) -> str | None:
        """A UTC timestamp as text."""
        if value is None:
            return None
        text = as_utc(value).strftime("%Y-%m-%d %H:%M:%S.%f")
        return text + "+00" if self.postgres else text


def encoder_for(session: Session) -> Encoder:
    """The encoder for the session's database; on SQLite also enlarges the page cache."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA cache_size=-{SEED_CACHE_KIB}")
    return Encoder(postgres=conn.dialect.name == "postgresql")


class _Ids:
    """UUIDv7 values as hex, minted in bulk: one clock read and one urandom call per batch."""

    def __init__(self) -> None:
        self.ms = 0
        self.counter = 0

    def batch(self, count: int) -> list[str]:
        now = time.time_ns() // 1_000_000
        if now > self.ms:
            self.ms, self.counter = now, 0
        noise = os.urandom(8 * count)
        out = []
        for i in range(count):
            if self.counter > 0xFFF:
                self.ms, self.counter = self.ms + 1, 0
            rand = int.from_bytes(noise[8 * i : 8 * i + 8], "big") & ((1 << 62) - 1)
            value = (self.ms << 80) | (0x7 << 76) | (self.counter << 64) | (0b10 << 62) | rand
            out.append(f"{value:032x}")
            self.counter += 1
        return out


_IDS = _Ids()


def uuid7_hex(count: int) -> list[str]:
    """`count` new UUIDv7 ids as 32 hex digits, in increasing order."""
    return _IDS.batch(count)


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert many pre-encoded rows into a table inside the session's transaction."""
    if not rows:
        return
    conn = session.connection()
    dbapi: Any = conn.connection.dbapi_connection
    cols = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    cur = dbapi.cursor()
    try:
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
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
