"""Bench-only server: the production app, its gallery filled in-process with synthetic templates.

Not part of the product and not reachable through any API: ``bench/bio_api.py`` starts this
script instead of ``uvicorn peelian.asgi:app``. It builds the app exactly as production does
(settings from PEELIAN_* variables), then, before serving, enrols two synthetic fingers (ISO
positions 2 and 7, templates generated directly as in ``bench/bio_1n.py``) for each of the
first ``--gallery / 2`` records people (ordered by id), and marks the gallery loaded.

    python bench/_bio_server.py --port 8123 --gallery 10000 [--seed 1] [--workers 2]

With ``PEELIAN_BIO_GALLERY_SHARDS=N`` the gallery is the Ray-sharded one (N local actors).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
import uvicorn  # noqa: E402
from sqlalchemy import select  # noqa: E402

from peelian.biometrics import engine  # noqa: E402
from peelian.biometrics.gallery import EnrolmentKey  # noqa: E402
from peelian.biometrics.gallery import synthetic as syn  # noqa: E402
from peelian.biometrics.service.gallery import gallery_for  # noqa: E402
from peelian.main import create_app  # noqa: E402
from peelian.records.models import Person  # noqa: E402

FINGERS = (2, 7)
CHUNK = 500


def masters(seed: int, i: int) -> tuple[dict[int, syn.Master], np.random.Generator]:
    """Subject i's two master fingers (the bench client draws the same ones for probes)."""
    rng = np.random.default_rng([seed, i])
    return {f: syn.master(rng) for f in FINGERS}, rng


def _enrolments(
    job: tuple[int, int, list[uuid.UUID]],
) -> list[tuple[EnrolmentKey, engine.PreparedTemplate]]:
    # Generated and prepared (matcher descriptors) in the worker processes: only the cheap
    # indexing step is left to the server process.
    seed, start, ids = job
    out = []
    for k, person_id in enumerate(ids):
        ms, rng = masters(seed, start + k)
        for f in FINGERS:
            template = syn.impression(ms[f], rng, finger_position=f)
            out.append((EnrolmentKey(person_id, f), engine.prepare(template)))
    return out


def person_ids(app_state: object, count: int) -> list[uuid.UUID]:
    """The first `count` records people, by id (the bench client uses the same order)."""
    with app_state.db.sessionmaker() as session:  # type: ignore[attr-defined]
        return list(session.scalars(select(Person.id).order_by(Person.id).limit(count)))


def main() -> None:
    """Fill the gallery, then serve."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--gallery", type=int, default=10_000, help="fingers (2 per person)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    app = create_app()
    state = app.state.peelian
    ids = person_ids(state, args.gallery // 2)
    if len(ids) < args.gallery // 2:
        raise SystemExit(f"only {len(ids)} people in the database; seed more")
    started = time.perf_counter()
    jobs = [(args.seed, s, ids[s : s + CHUNK]) for s in range(0, len(ids), CHUNK)]
    # The pool forks before the gallery exists: with PEELIAN_BIO_GALLERY_SHARDS > 0 building
    # it starts Ray, which must not be forked.
    with mp.get_context("fork").Pool(args.workers) as pool:
        holder = gallery_for(state)
        holder.index.reserve(len(ids) * len(FINGERS))
        for batch in pool.imap(_enrolments, jobs):
            holder.index.add_many(batch)
    holder.index.shrink()
    holder.loaded.set()
    print(
        f"gallery: {len(holder.index)} fingers in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
