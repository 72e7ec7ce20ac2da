"""Every query of the mobile domain. Notebook entries and sync operations are only ever inserted."""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Enum, Float, Integer, Row, String, Table, Uuid, select
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from peelian.auth.models import User
from peelian.core.db.base import UTCDateTime
from peelian.core.time import as_utc
from peelian.mobile.models import (
    Attachment,
    FormStatus,
    FormVersion,
    NotebookEntry,
    Submission,
    SubmissionStatus,
    SyncChange,
    SyncOperation,
)

__all__ = [
    "VersionRef",
    "advance_bucket",
    "attachments_of",
    "changes_after",
    "existing_ids",
    "form_versions",
    "insert_rows",
    "last_seq",
    "lock_device_log",
    "notebook_range",
    "notebook_tip",
    "stored_ops",
    "submissions",
    "used_op_ids",
    "user_by_username",
    "version_refs",
]


def user_by_username(session: Session, username: str) -> User | None:
    """The account with this username."""
    return session.scalar(select(User).where(User.username == username.lower()))


def lock_device_log(session: Session, device_id: uuid.UUID) -> None:
    """Serialise pushes from one device until this transaction ends.

    SQLite already runs one writing transaction at a time. On PostgreSQL a transaction-scoped
    advisory lock keyed by the device makes a second, concurrent push of the same batch wait
    and then find the first one's receipts, instead of losing a race on the primary key.
    """
    db = _Driver.of(session)
    if not db.sqlite:
        key = int.from_bytes(device_id.bytes[:8], "big", signed=True)
        db.rows("SELECT pg_advisory_xact_lock(?)", key)


def last_seq(session: Session, device_id: uuid.UUID) -> int:
    """The highest sequence number applied for a device (0 for none)."""
    db = _Driver.of(session)
    sql = "SELECT max(seq) FROM sync_operations WHERE device_id = ?"
    ((value,),) = db.rows(sql, db.id_param(device_id))
    return int(value or 0)


def stored_ops(session: Session, device_id: uuid.UUID, seqs: Sequence[int]) -> list[Row[Any]]:
    """Stored operations (plain rows) of the device at these seqs."""
    if not seqs:
        return []
    table = SyncOperation.__table__
    stmt = select(table).where(table.c.device_id == device_id, table.c.seq.in_(list(seqs)))
    return list(session.execute(stmt).all())


def used_op_ids(session: Session, op_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these operation ids any device has already used."""
    return _existing(session, "sync_operations", "op_id", op_ids)


def existing_ids(session: Session, model: Any, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these primary keys the model's table already holds."""
    return _existing(session, model.__tablename__, "id", ids)


def _existing(
    session: Session, table: str, column: str, ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    if not ids:
        return set()
    db = _Driver.of(session)
    where, param = db.any_uuid(column, ids)
    rows = db.rows(f"SELECT {column} FROM {table} WHERE {where}", param)  # noqa: S608
    return {db.to_uuid(row[0]) for row in rows}


@dataclass(frozen=True)
class VersionRef:
    """What checking a submission needs of a form version (not its schema)."""

    id: uuid.UUID
    form_id: str
    version: str
    kind: str
    status: FormStatus


def version_refs(session: Session, keys: Sequence[tuple[str, str]]) -> list[VersionRef]:
    """These (form_id, version) pairs' versions, without their schemas."""
    db = _Driver.of(session)
    form_ids = sorted({k[0] for k in keys})
    param: Any
    if db.sqlite:
        where, param = "form_id IN (SELECT value FROM json_each(?))", json.dumps(form_ids)
    else:
        where, param = "form_id = ANY(?)", form_ids
    sql = f"SELECT id, form_id, version, kind, status FROM form_versions WHERE {where}"  # noqa: S608
    wanted = set(keys)
    return [
        VersionRef(db.to_uuid(r[0]), r[1], r[2], r[3], FormStatus(r[4]))
        for r in db.rows(sql, param)
        if (r[1], r[2]) in wanted
    ]


def form_versions(
    session: Session,
    keys: Sequence[tuple[str, str]] | None = None,
    *,
    live_only: bool = False,
) -> list[FormVersion]:
    """Form versions, optionally only these (form_id, version) pairs or only published ones."""
    stmt = select(FormVersion).order_by(FormVersion.form_id, FormVersion.published_at)
    if keys is not None:
        ids = {k[0] for k in keys}
        stmt = stmt.where(FormVersion.form_id.in_(ids))
    if live_only:
        stmt = stmt.where(FormVersion.status == FormStatus.PUBLISHED)
    rows = list(session.scalars(stmt))
    if keys is not None:
        wanted = set(keys)
        rows = [r for r in rows if (r.form_id, r.version) in wanted]
    return rows


def advance_bucket(session: Session, bucket: str, count: int) -> int:
    """Reserve `count` change numbers in a bucket; returns the first. Serialises the bucket."""
    db = _Driver.of(session)
    sql = "UPDATE sync_bucket_heads SET last_seq = last_seq + ? WHERE bucket = ? RETURNING last_seq"
    rows = db.rows(sql, count, bucket)
    if not rows:
        # A writer creating the same bucket concurrently makes one of the two fail on the key.
        db.run("INSERT INTO sync_bucket_heads (bucket, last_seq) VALUES (?, ?)", bucket, count)
        return 1
    return int(rows[0][0]) - count + 1


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk insert plain rows (every row with the same keys): executemany on SQLite, COPY on
    PostgreSQL (psycopg's executemany pays several times COPY's cost per row, in Python).

    The hot path of sync: values are encoded once here, as SQLAlchemy's column types store them
    (UUIDs as 32 hex digits and times as UTC text on SQLite; native on PostgreSQL; JSON as
    json.dumps text), and go straight to the driver. Errors still surface as SQLAlchemy's
    (IntegrityError on a duplicate key). A table with a type not known here takes Core's path.
    """
    if not rows:
        return
    conn = session.connection()
    keys = tuple(rows[0])
    plan = _insert_plan(model.__table__, keys, conn.dialect)
    first = rows[0].keys()
    if plan is None or any(row.keys() != first for row in rows):
        session.execute(model.__table__.insert(), rows)
        return
    sql, encoders = plan
    pick = itemgetter(*keys)
    convert = [(i, e) for i, e in enumerate(encoders) if e is not None]
    params = []
    for row in rows:
        values = list(pick(row)) if len(keys) > 1 else [pick(row)]
        for i, encode in convert:
            if values[i] is not None:
                values[i] = encode(values[i])
        params.append(tuple(values))
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(sql, params)
    else:
        _copy(conn, sql, params)


def _copy(conn: Connection, sql: str, params: list[tuple[Any, ...]]) -> None:
    """COPY rows in; a driver error surfaces as SQLAlchemy's (IntegrityError on a duplicate)."""
    copy_sql = "COPY " + sql.removeprefix("INSERT INTO ").partition(" VALUES")[0] + " FROM STDIN"
    dbapi: Any = conn.connection.dbapi_connection
    try:
        with dbapi.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in params:
                copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(copy_sql, None, exc, conn.dialect.loaded_dbapi.Error) from exc


Encode = Callable[[Any], Any] | None
_PLANS: dict[tuple[str, tuple[str, ...], str], tuple[str, tuple[Encode, ...]] | None] = {}


def _insert_plan(
    table: Table, keys: tuple[str, ...], dialect: Dialect
) -> tuple[str, tuple[Encode, ...]] | None:
    """The driver SQL and per-column encoders for inserting these keys; None to use Core."""
    cache_key = (table.name, keys, dialect.name)
    if cache_key in _PLANS:
        return _PLANS[cache_key]
    plan: tuple[str, tuple[Encode, ...]] | None = None
    missing_defaults = any(c.default is not None and c.key not in keys for c in table.columns)
    if dialect.name in ("sqlite", "postgresql") and not missing_defaults:
        sqlite = dialect.name == "sqlite"
        encoders = tuple(_encoder(table.c[k].type, sqlite=sqlite) for k in keys)
        if all(e is not _UNKNOWN for e in encoders):
            quote = dialect.identifier_preparer.quote
            mark = "?" if sqlite else "%s"
            cols = ", ".join(quote(k) for k in keys)
            marks = ", ".join(mark for _ in keys)
            # Names come from the table itself (table.c[k] above), never from a request.
            sql = f"INSERT INTO {quote(table.name)} ({cols}) VALUES ({marks})"  # noqa: S608
            plan = (sql, encoders)
    _PLANS[cache_key] = plan
    return plan


def _unknown(value: Any) -> Any:
    raise TypeError(value)


_UNKNOWN: Encode = _unknown


@lru_cache(maxsize=256)  # a batch's rows share a few times (its receipt time above all)
def _utc_text(value: datetime) -> str:
    # SQLAlchemy's SQLite DATETIME storage format (4-digit year, 6-digit fraction), in UTC.
    return _utc(value).replace(tzinfo=None).isoformat(" ", "microseconds")


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetimes are refused: pass an aware UTC datetime")
    return as_utc(value)


def _encoder(kind: TypeEngine[Any], *, sqlite: bool) -> Encode:
    if isinstance(kind, UTCDateTime):
        return _utc_text if sqlite else _utc
    if isinstance(kind, Uuid):
        return attrgetter("hex") if sqlite else None
    if isinstance(kind, JSON):
        return json.dumps
    if isinstance(kind, Enum):
        return lambda v: v.value if isinstance(v, enum.Enum) else v
    if isinstance(kind, String | Integer | Float):  # Text is a String; BIG is an Integer
        return None
    return _UNKNOWN


@dataclass(frozen=True)
class _Driver:
    """The session's connection at driver level, for the few lookups every push makes.

    Through SQLAlchemy's statement building each of these costs several times its driver-level
    cost (a push of 100 operations runs a handful), so they are written once for both
    databases: SQL uses ``?`` marks; UUIDs are 32 hex digits on SQLite (as SQLAlchemy stores
    them there) and native on PostgreSQL. Errors still surface as SQLAlchemy's.
    """

    conn: Connection
    sqlite: bool

    @classmethod
    def of(cls, session: Session) -> _Driver:
        conn = session.connection()
        return cls(conn, conn.dialect.name == "sqlite")

    def id_param(self, value: uuid.UUID) -> Any:
        return value.hex if self.sqlite else value

    def to_uuid(self, value: Any) -> uuid.UUID:
        return uuid.UUID(hex=value) if self.sqlite else value  # type: ignore[no-any-return]

    def any_uuid(self, column: str, ids: Sequence[uuid.UUID]) -> tuple[str, str]:
        """A condition `column is one of ids` taking one parameter, and that parameter.

        The column name is always a constant of this module, never input.
        """
        if self.sqlite:
            hexes = json.dumps([i.hex for i in ids])
            return f"{column} IN (SELECT value FROM json_each(?))", hexes  # noqa: S608
        return f"{column} = ANY(CAST(? AS uuid[]))", "{" + ",".join(map(str, ids)) + "}"

    def run(self, sql: str, *params: Any) -> CursorResult[Any]:
        return self.conn.exec_driver_sql(sql if self.sqlite else sql.replace("?", "%s"), params)

    def rows(self, sql: str, *params: Any) -> list[Any]:
        return list(self.run(sql, *params).fetchall())


def changes_after(session: Session, bucket: str, after: int, limit: int) -> list[SyncChange]:
    """A bucket's changes after a position, in order."""
    stmt = (
        select(SyncChange)
        .where(SyncChange.bucket == bucket, SyncChange.seq > after)
        .order_by(SyncChange.seq)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def notebook_tip(session: Session, officer_id: uuid.UUID) -> tuple[int, str] | None:
    """(position, hash) of the officer's latest notebook entry, without loading the entry."""
    db = _Driver.of(session)
    sql = (
        "SELECT position, hash FROM notebook_entries WHERE officer_id = ? "
        "ORDER BY position DESC LIMIT 1"
    )
    rows = db.rows(sql, db.id_param(officer_id))
    return (int(rows[0][0]), str(rows[0][1])) if rows else None


def notebook_range(
    session: Session,
    officer_id: uuid.UUID,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    ids: Sequence[uuid.UUID] | None = None,
) -> list[NotebookEntry]:
    """An officer's entries in chain order, by server time range or by id."""
    stmt = select(NotebookEntry).where(NotebookEntry.officer_id == officer_id)
    if start is not None:
        stmt = stmt.where(NotebookEntry.server_time >= start)
    if end is not None:
        stmt = stmt.where(NotebookEntry.server_time < end)
    if ids is not None:
        stmt = stmt.where(NotebookEntry.id.in_(list(ids)))
    return list(session.scalars(stmt.order_by(NotebookEntry.position)))


def submissions(
    session: Session,
    *,
    status: SubmissionStatus | None = None,
    since: datetime | None = None,
    ids: Sequence[uuid.UUID] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Submission]:
    """Submissions, newest first."""
    stmt = select(Submission)
    if status is not None:
        stmt = stmt.where(Submission.status == status)
    if since is not None:
        stmt = stmt.where(Submission.received_at >= since)
    if ids is not None:
        stmt = stmt.where(Submission.id.in_(list(ids)))
    stmt = stmt.order_by(Submission.received_at.desc(), Submission.id).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def attachments_of(
    session: Session, *, submission_ids: Sequence[uuid.UUID] = (), sha256: str | None = None
) -> list[Attachment]:
    """Attachments of submissions, or every attachment with this content hash."""
    stmt = select(Attachment)
    if sha256 is not None:
        stmt = stmt.where(Attachment.sha256 == sha256)
    else:
        stmt = stmt.where(Attachment.submission_id.in_(list(submission_ids)))
    return list(session.scalars(stmt))
