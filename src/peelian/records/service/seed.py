"""Seed a synthetic force in bulk: one audit event for the whole seed, not one per row."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.time import utcnow
from peelian.records.codes import IdentifierKind, NameKind
from peelian.records.phonetic import name_keys
from peelian.records.repository import bulk
from peelian.records.repository import people as people_repo
from peelian.records.synthetic import Chunk, generate

__all__ = ["SeedReport", "people_count", "person_ids", "seed_people"]

PEOPLE_COLUMNS = (
    "id", "given_names", "family_name", "date_of_birth", "alt_dates_of_birth", "sex",
    "ethnicity", "height_cm", "build", "marks", "created_at",
)  # fmt: skip
FLAG_COLUMNS = (
    "id", "person_id", "kind", "code", "source", "starts_at", "expires_at", "review_date",
    "details", "created_at",
)  # fmt: skip
NAME_COLUMNS = ("id", "person_id", "kind", "given_names", "family_name")
ADDRESS_COLUMNS = ("id", "person_id", "line1", "town", "postcode", "from_date")
INCIDENT_COLUMNS = (
    "id", "reference", "category", "qualifiers", "grade", "status", "reported_at", "address",
    "beat", "narrative", "team", "crime_number", "created_at",
)  # fmt: skip


@dataclass(frozen=True)
class SeedReport:
    """What a seed stored."""

    people: int
    flags: int
    incidents: int


def _load_chunk(
    session: Session, chunk: Chunk, enc: bulk.Encoder, now: str, numbers: dict[str, int]
) -> tuple[int, int]:
    people: list[tuple[Any, ...]] = []
    names: list[tuple[Any, ...]] = []
    keys: list[tuple[Any, ...]] = []
    idents: list[tuple[Any, ...]] = []
    addresses: list[tuple[Any, ...]] = []
    flags: list[tuple[Any, ...]] = []
    ids = bulk.uuid7_hex(len(chunk.people))
    extra = iter(bulk.uuid7_hex(3 * len(chunk.people)))
    for pid, p in zip(ids, chunk.people, strict=True):
        people.append((pid, p.given_names, p.family_name, p.date_of_birth.isoformat(), "[]",
                       p.sex.value, p.ethnicity, p.height_cm, p.build, p.marks, now))  # fmt: skip
        found = name_keys(p.given_names, p.family_name)
        for given, family in p.aliases:
            names.append((next(extra), pid, NameKind.ALIAS.value, given, family))
            found = found | name_keys(given, family)
        year = p.date_of_birth.year
        keys.extend((k, year, pid) for k in found)
        idents.append((next(extra), pid, IdentifierKind.PNC.value, p.pnc))
        line1, town, postcode, moved = p.address
        addresses.append((next(extra), pid, line1, town, postcode, moved.isoformat()))
        for f in p.flags:
            review = f.get("review_date")
            flags.append((bulk.uuid7_hex(1)[0], pid, f["kind"].value, f.get("code"), f["source"],
                          None, enc.time(f.get("expires_at")),
                          review.isoformat() if review else None, json.dumps(f["details"]),
                          now))  # fmt: skip
    bulk.insert_rows(session, "people", PEOPLE_COLUMNS, people)
    bulk.insert_rows(session, "person_names", NAME_COLUMNS, names)
    bulk.insert_rows(session, "person_name_keys", ("key", "birth_year", "person_id"), keys)
    bulk.insert_rows(session, "person_identifiers", ("id", "person_id", "kind", "value"), idents)
    bulk.insert_rows(session, "person_addresses", ADDRESS_COLUMNS, addresses)
    bulk.insert_rows(session, "person_flags", FLAG_COLUMNS, flags)
    _load_incidents(session, chunk, ids, enc, now, numbers)
    return len(flags), len(chunk.incidents)


def _load_incidents(
    session: Session,
    chunk: Chunk,
    ids: list[str],
    enc: bulk.Encoder,
    now: str,
    numbers: dict[str, int],
) -> None:
    rows: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    for inc in chunk.incidents:
        iid = bulk.uuid7_hex(1)[0]
        day = inc.reported_at.strftime("%Y%m%d")
        numbers[day] = numbers.get(day, 0) + 1
        rows.append((iid, f"INC-{day}-{numbers[day]:06d}", inc.category,
                     json.dumps(inc.qualifiers), inc.grade.value, inc.status.value,
                     enc.time(inc.reported_at), inc.address, inc.beat, inc.narrative, inc.team,
                     inc.crime_number, now))  # fmt: skip
        links.extend((bulk.uuid7_hex(1)[0], iid, ids[i], role.value) for i, role in inc.people)
    bulk.insert_rows(session, "incidents", INCIDENT_COLUMNS, rows)
    bulk.insert_rows(session, "incident_people", ("id", "incident_id", "person_id", "role"), links)


def people_count(session: Session) -> int:
    """How many people are held (closes the session: a quick look before seeding)."""
    with session:
        return people_repo.count_people(session)


def person_ids(session: Session, *, limit: int) -> list[uuid.UUID]:
    """The first `limit` people held, oldest first: demo data of other domains links to them."""
    return people_repo.first_person_ids(session, limit)


def seed_people(
    session: Session,
    *,
    actor: Actor,
    count: int,
    seed: int,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    commit_each: Callable[[], None] | None = None,
) -> SeedReport:
    """Generate and bulk-store `count` synthetic people (with flags and incidents) from a seed."""
    now = now or utcnow()
    enc = bulk.encoder_for(session)
    now_text = enc.time(now) or ""
    numbers = bulk.counters(session)
    total_flags = total_incidents = 0
    for chunk in generate(count, seed, now):
        flags, incidents = _load_chunk(session, chunk, enc, now_text, numbers)
        total_flags += flags
        total_incidents += incidents
        if commit_each is not None:
            commit_each()
        if progress is not None:
            progress(len(chunk.people))
    bulk.set_counters(session, numbers)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type="person",
        outcome="seeded",
        detail={"seeded": count, "seed": seed, "flags": total_flags, "incidents": total_incidents},
    )
    return SeedReport(count, total_flags, total_incidents)
