"""Buckets: what each device pulls. Sources declare buckets per user; writers publish changes.

A source names the buckets a user may pull and their priority (0 first). Other domains add
sources with `register_bucket_source` and publish with `publish_changes` (e.g. the records
domain will publish wanted and missing people to `area:<team>`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from peelian.auth.models import User
from peelian.core.time import utcnow
from peelian.mobile import repository
from peelian.mobile.models import SyncChange

__all__ = [
    "BucketSource",
    "ChangeIn",
    "buckets_for",
    "officer_bucket",
    "publish_changes",
    "register_bucket_source",
]


@dataclass(frozen=True)
class ChangeIn:
    """A change to publish: the record's whole current state (or op="delete")."""

    bucket: str
    record_type: str
    record_id: str
    data: dict[str, Any]
    op: str = "put"


@dataclass(frozen=True)
class BucketSource:
    """A kind of bucket: its priority and which buckets of it a user gets."""

    name: str
    priority: int
    buckets: Callable[[User], list[str]]


_SOURCES: dict[str, BucketSource] = {}


def register_bucket_source(source: BucketSource) -> None:
    """Add (or replace) a bucket source."""
    _SOURCES[source.name] = source


def officer_bucket(officer_id: uuid.UUID) -> str:
    """The bucket of an officer's own submissions and their review outcomes."""
    return f"officer:{officer_id}"


def team_bucket(team: str) -> str:
    """The bucket of a team's briefings."""
    return f"team:{team}"


def area_bucket(team: str) -> str:
    """The bucket of wanted and missing people for a team's area (filled by records)."""
    return f"area:{team}"


register_bucket_source(BucketSource("area", 0, lambda u: [area_bucket(u.team)] if u.team else []))
register_bucket_source(BucketSource("team", 1, lambda u: [team_bucket(u.team)] if u.team else []))
register_bucket_source(BucketSource("officer", 2, lambda u: [officer_bucket(u.id)]))
register_bucket_source(BucketSource("forms", 3, lambda u: ["forms"]))


def buckets_for(user: User) -> list[str]:
    """The user's buckets, highest priority first."""
    out: list[str] = []
    for source in sorted(_SOURCES.values(), key=lambda s: (s.priority, s.name)):
        out.extend(b for b in source.buckets(user) if b not in out)
    return out


def publish_changes(session: Session, changes: Iterable[ChangeIn]) -> None:
    """Append changes to their buckets, numbering each bucket's changes without gaps."""
    by_bucket: dict[str, list[ChangeIn]] = defaultdict(list)
    for change in changes:
        by_bucket[change.bucket].append(change)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for bucket in sorted(by_bucket):  # a fixed order, so two writers never deadlock
        items = by_bucket[bucket]
        first = repository.advance_bucket(session, bucket, len(items))
        rows.extend(
            {
                "bucket": bucket,
                "seq": first + i,
                "record_type": c.record_type,
                "record_id": c.record_id,
                "op": c.op,
                "data": c.data,
                "created_at": now,
            }
            for i, c in enumerate(items)
        )
    repository.insert_rows(session, SyncChange, rows)
