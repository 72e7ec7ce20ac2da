"""The mobile repository's bulk insert: values read back as the ORM stores them, duplicates fail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peelian.mobile import repository
from peelian.mobile.models import SyncChange

AWKWARD = 'tab\there, newline\nthere, back\\slash, "quotes", NUL-free unicode é✓, {braces}'


def _rows(bucket: str, count: int) -> list[dict[str, object]]:
    now = datetime(2026, 11, 29, 10, 15, 0, 123456, tzinfo=UTC)
    return [
        {
            "bucket": bucket,
            "seq": i + 1,
            "record_type": "submission",
            "record_id": f"r{i}",
            "op": "upsert",
            "data": {"text": AWKWARD, "n": i, "none": None, "list": [1, 2.5, "x"]},
            "created_at": now,
        }
        for i in range(count)
    ]


class TestInsertRows:
    def test_rows_read_back_through_the_orm_as_written(self, db_session: Session) -> None:
        rows = _rows("test:bulk", 3)
        repository.insert_rows(db_session, SyncChange, rows)
        stored = db_session.scalars(
            select(SyncChange).where(SyncChange.bucket == "test:bulk").order_by(SyncChange.seq)
        ).all()
        assert [(c.seq, c.record_id, c.data, c.created_at) for c in stored] == [
            (r["seq"], r["record_id"], r["data"], r["created_at"]) for r in rows
        ]

    def test_a_duplicate_key_is_an_integrity_error(self, db_session: Session) -> None:
        repository.insert_rows(db_session, SyncChange, _rows("test:dup", 2))
        with pytest.raises(IntegrityError):
            repository.insert_rows(db_session, SyncChange, _rows("test:dup", 1))
