"""Name+DOB search and person-check latency over a seeded synthetic force.

Seeds N people in bulk (timed), then runs searches built from real records with typos and
sound-alike spellings, and person checks, each in its own unit of work (audit event included),
as a request would. Prints the figures and the database used.

    python bench/records_search.py --people 1000000 [--database-url URL] [--json]

Targets (issue 3): search p95 <= 50 ms, check p95 <= 20 ms, seeding 1M <= 5 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import select, text

from peelian.core.audit import Actor
from peelian.core.db import Database, create_database
from peelian.core.db.migrate import upgrade
from peelian.records.models import Person
from peelian.records.service.check import check_person
from peelian.records.service.search import search_people
from peelian.records.synthetic import generate

ACTOR = Actor.system("bench")
PURPOSE = "benchmark of name search and person check"
SCHEMA = "peelian_bench_records"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _database(url: str | None, tmp: Path, reuse: bool = False) -> tuple[Database, str]:
    if not url:
        return create_database(f"sqlite:///{tmp / 'bench.db'}"), "sqlite"
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    if not reuse:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{SCHEMA}"')
    full = plain.replace("postgresql://", "postgresql+psycopg://", 1)
    full += ("&" if "?" in full else "?") + f"options=-csearch_path%3D{SCHEMA}"
    return create_database(full), "postgresql"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1 :]
    return word[:i] + "y" + word[i + 1 :]  # change a vowel-ish letter


def _queries(count: int, seed: int, people: int) -> list[str]:
    rng = random.Random(seed + 1)
    sample = []
    for chunk in generate(min(people, 20000), seed, NOW):
        sample.extend(chunk.people)
    out = []
    for _ in range(count):
        p = rng.choice(sample)
        dob = p.date_of_birth
        style = rng.randrange(3)
        if style == 0:
            out.append(f"{p.given_names} {p.family_name} {dob:%d/%m/%Y}")
        elif style == 1:
            out.append(f"{p.given_names} {_typo(rng, p.family_name)} {dob.year}")
        else:
            out.append(f"{_typo(rng, p.given_names)} {p.family_name} {dob:%d/%m/%Y}")
    return out


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _analyse(db: Database) -> None:
    """Statistics (and on PostgreSQL the visibility map, as autovacuum would set it)."""
    if db.is_sqlite:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def run(
    people: int, url: str | None, seed: int, samples: int, reuse: bool = False
) -> dict[str, object]:
    """Seed (unless reusing a seeded PostgreSQL schema), then time searches and checks."""
    from peelian.records.service.seed import seed_people

    with tempfile.TemporaryDirectory() as tmp:
        db, kind = _database(url, Path(tmp), reuse=reuse and bool(url))
        upgrade(db.engine)
        started, cpu = time.perf_counter(), time.process_time()
        if not (reuse and url):
            with db.unit_of_work() as session:
                seed_people(session, actor=ACTOR, count=people, seed=seed, now=NOW,
                            commit_each=session.commit)  # fmt: skip
        _analyse(db)
        seed_s: float | None = time.perf_counter() - started
        seed_cpu_s: float | None = time.process_time() - cpu
        if reuse and url:
            seed_s = seed_cpu_s = None
        search_ms: list[float] = []
        search_cpu: list[float] = []
        hits = 0
        for q in _queries(samples, seed, people):
            t0, c0 = time.perf_counter(), time.process_time()
            with db.unit_of_work() as session:
                found, _ = search_people(session, actor=ACTOR, q=q, purpose=PURPOSE)
            search_ms.append((time.perf_counter() - t0) * 1000)
            search_cpu.append((time.process_time() - c0) * 1000)
            hits += bool(found)
        with db.sessionmaker() as session:
            ids = list(session.scalars(select(Person.id).limit(5000)))
        rng = random.Random(seed + 2)
        check_ms: list[float] = []
        check_cpu: list[float] = []
        for pid in rng.sample(ids, min(samples, len(ids))):
            t0, c0 = time.perf_counter(), time.process_time()
            with db.unit_of_work() as session:
                check_person(session, actor=ACTOR, person_id=pid, purpose=PURPOSE)
            check_ms.append((time.perf_counter() - t0) * 1000)
            check_cpu.append((time.process_time() - c0) * 1000)
        db.dispose()
    return {
        "people": people,
        "database": kind,
        "seed_s": None if seed_s is None else round(seed_s, 1),
        "search_p50_ms": round(statistics.median(search_ms), 2),
        "search_p95_ms": round(_p(search_ms, 95), 2),
        "check_p95_ms": round(_p(check_ms, 95), 2),
        "search_found_share": round(hits / len(search_ms), 3),
        # This process's own CPU time: on a shared, oversubscribed machine wall time also
        # counts waiting for a core (and, on PostgreSQL, the server's work is not included).
        "seed_cpu_s": None if seed_cpu_s is None else round(seed_cpu_s, 1),
        "search_p95_cpu_ms": round(_p(search_cpu, 95), 2),
        "check_p95_cpu_ms": round(_p(check_cpu, 95), 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    """Parse arguments, run, print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: measure the schema a previous run seeded"
    )
    args = parser.parse_args()
    figures = run(args.people, args.database_url, args.seed, args.samples, args.reuse)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"database: {figures['database']}  people: {figures['people']:,}")
    for key, value in figures.items():
        if key not in ("people", "database"):
            print(f"  {key:20} {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
