"""The device's own SQLite store: settings, outbox, receipts, files, pulled records, cursors."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["DeviceStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
  pos INTEGER PRIMARY KEY AUTOINCREMENT, op_id TEXT UNIQUE NOT NULL, seq INTEGER UNIQUE,
  kind TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', error TEXT);
CREATE TABLE IF NOT EXISTS receipts (
  op_id TEXT PRIMARY KEY, seq INTEGER UNIQUE NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
  payload_sha256 TEXT NOT NULL, received_at TEXT NOT NULL, record_id TEXT, signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
  sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL, uploaded INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS records (
  bucket TEXT NOT NULL, record_type TEXT NOT NULL, record_id TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (bucket, record_type, record_id));
CREATE TABLE IF NOT EXISTS cursors (bucket TEXT PRIMARY KEY, cursor TEXT NOT NULL);
"""


class DeviceStore:
    """One device's durable state; every change is one SQLite transaction."""

    def __init__(self, path: Path | str, *, durable: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL survives power loss; simulations (many devices on one disk) may trade that away.
        self.db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One local transaction."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def get(self, key: str, default: str | None = None) -> str | None:
        """A setting."""
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def set(self, **values: str | int | None) -> None:
        """Set settings (None removes)."""
        with self.tx() as db:
            for key, value in values.items():
                if value is None:
                    db.execute("DELETE FROM settings WHERE key = ?", (key,))
                else:
                    db.execute(
                        "INSERT INTO settings VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                        "SET value = excluded.value",
                        (key, str(value)),
                    )

    def enqueue(self, op_id: str, kind: str, payload: dict[str, Any], created_at: str) -> None:
        """Add an operation to the outbox (no seq yet: one is given when it is first sent)."""
        with self.tx() as db:
            db.execute(
                "INSERT INTO outbox (op_id, kind, payload, created_at) VALUES (?, ?, ?, ?)",
                (op_id, kind, json.dumps(payload), created_at),
            )

    def in_flight(self) -> list[dict[str, Any]]:
        """Sent-but-unacknowledged operations, by seq."""
        rows = self.db.execute(
            "SELECT op_id, seq, kind, payload, created_at FROM outbox "
            "WHERE seq IS NOT NULL ORDER BY seq"
        ).fetchall()
        return [_op(r) for r in rows]

    def assign(self, limit: int) -> list[dict[str, Any]]:
        """Give the next pending operations consecutive seqs and return them."""
        with self.tx() as db:
            next_seq = int(self.get("next_seq", "1") or 1)
            rows = db.execute(
                "SELECT pos FROM outbox WHERE seq IS NULL AND state = 'pending' "
                "ORDER BY pos LIMIT ?",
                (limit,),
            ).fetchall()
            for i, (pos,) in enumerate(rows):
                db.execute("UPDATE outbox SET seq = ? WHERE pos = ?", (next_seq + i, pos))
            db.execute(
                "INSERT INTO settings VALUES ('next_seq', ?) ON CONFLICT(key) DO UPDATE "
                "SET value = excluded.value",
                (str(next_seq + len(rows)),),
            )
        return self.in_flight()

    def unassign(self, first_seq: int, hold_op: str | None, error: str | None) -> None:
        """The server refused the batch whole: free its seqs, holding the bad op for fixing."""
        with self.tx() as db:
            db.execute("UPDATE outbox SET seq = NULL WHERE seq >= ?", (first_seq,))
            if hold_op is not None:
                db.execute(
                    "UPDATE outbox SET state = 'held', error = ? WHERE op_id = ?",
                    (error, hold_op),
                )
            db.execute("UPDATE settings SET value = ? WHERE key = 'next_seq'", (str(first_seq),))

    def acknowledge(self, receipts: list[dict[str, Any]], kinds: dict[str, str]) -> None:
        """Keep the receipts and only then drop the acknowledged operations."""
        with self.tx() as db:
            for r in receipts:
                db.execute(
                    "INSERT OR IGNORE INTO receipts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        r["op_id"],
                        r["seq"],
                        kinds[r["op_id"]],
                        r["status"],
                        r["payload_sha256"],
                        r["received_at"],
                        r.get("record_id"),
                        r["signature"],
                    ),
                )
                db.execute("DELETE FROM outbox WHERE op_id = ?", (r["op_id"],))

    def counts(self) -> dict[str, int]:
        """Unsent, held, acknowledged and files waiting."""
        one = self.db.execute
        return {
            "unsent": int(one("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]),
            "held": int(one("SELECT count(*) FROM outbox WHERE state = 'held'").fetchone()[0]),
            "acknowledged": int(one("SELECT count(*) FROM receipts").fetchone()[0]),
            "files_waiting": int(
                one("SELECT count(*) FROM files WHERE uploaded = 0").fetchone()[0]
            ),
            "records": int(one("SELECT count(*) FROM records").fetchone()[0]),
        }

    def apply_changes(
        self, changes: list[dict[str, Any]], cursors: dict[str, str], buckets: list[str]
    ) -> None:
        """Store a pulled page and its cursors together; drop buckets no longer granted."""
        with self.tx() as db:
            db.executemany(
                "INSERT INTO records VALUES (?, ?, ?, ?) "
                "ON CONFLICT(bucket, record_type, record_id) DO UPDATE SET data = excluded.data",
                [
                    (c["bucket"], c["record_type"], c["record_id"], json.dumps(c["data"]))
                    for c in changes
                    if c["op"] == "put"
                ],
            )
            db.executemany(
                "DELETE FROM records WHERE bucket = ? AND record_type = ? AND record_id = ?",
                [
                    (c["bucket"], c["record_type"], c["record_id"])
                    for c in changes
                    if c["op"] == "delete"
                ],
            )
            marks = ",".join("?" * len(buckets)) or "''"
            db.execute(f"DELETE FROM records WHERE bucket NOT IN ({marks})", buckets)  # noqa: S608
            db.execute(f"DELETE FROM cursors WHERE bucket NOT IN ({marks})", buckets)  # noqa: S608
            db.executemany(
                "INSERT INTO cursors VALUES (?, ?) ON CONFLICT(bucket) DO UPDATE "
                "SET cursor = excluded.cursor",
                list(cursors.items()),
            )

    def cursors(self) -> dict[str, str]:
        """Saved bucket cursors."""
        return dict(self.db.execute("SELECT bucket, cursor FROM cursors").fetchall())

    def records(self, record_type: str) -> list[tuple[str, dict[str, Any]]]:
        """Pulled records of a type."""
        rows = self.db.execute(
            "SELECT record_id, data FROM records WHERE record_type = ? ORDER BY record_id",
            (record_type,),
        ).fetchall()
        return [(r[0], json.loads(r[1])) for r in rows]

    def wipe(self) -> None:
        """Erase everything (remote wipe)."""
        with self.tx() as db:
            for table in ("outbox", "receipts", "files", "records", "cursors", "settings"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608


def _op(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "id": row[0],
        "seq": row[1],
        "kind": row[2],
        "payload": json.loads(row[3]),
        "created_at": row[4],
    }
