"""Bench-only server: the production app, its gallery filled in-process with synthetic templates.

Not part of the product and not reachable through any API: ``bench/bio_api.py`` starts this
script instead of ``uvicorn peelian.asgi:app``. It builds the app exactly as production does
(settings from PEELIAN_* variables), then, before serving, enrols two synthetic fingers (ISO
positions 2 and 7, templates generated directly as in ``bench/bio_1n.py``) for each of the
first ``--gallery / 2`` records people (ordered by id), and marks the gallery loaded. The
generated templates are cached as packed arrays under ``var/bench-cache/`` (keyed by a digest
of the engine and generator code), so a second run loads them in seconds.

    python bench/_bio_server.py --port 8123 --gallery 10000 [--seed 1] [--workers 2]

With ``PEELIAN_BIO_GALLERY_SHARDS=N`` the gallery is the Ray-sharded one (N local actors).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import inspect
import json
import multiprocessing as mp
import sys
import time
import uuid
from pathlib import Path
from typing import Any

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
LOAD_CHUNK = 5000
CACHE = ROOT / "var" / "bench-cache"


def masters(seed: int, i: int) -> tuple[dict[int, syn.Master], np.random.Generator]:
    """Subject i's two master fingers (the bench client draws the same ones for probes)."""
    rng = np.random.default_rng([seed, i])
    return {f: syn.master(rng) for f in FINGERS}, rng


def _packed(job: tuple[int, int, int]) -> engine.PreparedGallery:
    # Generated and prepared (matcher descriptors) in worker processes: subjects start..stop,
    # their fingers in FINGERS order.
    seed, start, stop = job
    out = []
    for i in range(start, stop):
        ms, rng = masters(seed, i)
        for f in FINGERS:
            out.append(engine.prepare(syn.impression(ms[f], rng, finger_position=f)))
    return engine.pack(out)


def _fields() -> list[str]:
    return [f.name for f in dataclasses.fields(engine.PreparedGallery)]


def _tag() -> str:
    """Digest of the code the cached arrays come from (engine, generator, this file)."""
    h = hashlib.sha256()
    for f in sorted(Path(engine.__file__).parent.rglob("*.py")):
        h.update(f.read_bytes())
    h.update(Path(syn.__file__).read_bytes())
    for fn in (masters, _packed):
        h.update(inspect.getsource(fn).encode())
    return h.hexdigest()[:12]


def gallery_arrays(seed: int, subjects: int, workers: int) -> tuple[dict[str, Any], str]:
    """The packed enrolments of the first `subjects` subjects, built once and cached on disk.

    Only the templates are cached (under ``var/bench-cache/``), not the people they belong to:
    subject i is given the i-th records person of this run's database when loaded.
    """
    folder = CACHE / f"bio_api-seed{seed}-n{2 * subjects}-{_tag()}"
    if (folder / "meta.json").exists():
        how = "loaded from " + str(folder.relative_to(ROOT))
    else:
        started = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        jobs = [(seed, s, min(s + CHUNK, subjects)) for s in range(0, subjects, CHUNK)]
        out: dict[str, Any] = {}
        with mp.get_context("fork").Pool(workers) as pool:
            for (_, s, _), g in zip(jobs, pool.imap(_packed, jobs), strict=True):
                for f in _fields():
                    part = getattr(g, f)
                    if f not in out:
                        out[f] = np.lib.format.open_memmap(
                            folder / f"{f}.npy", "w+", part.dtype, (2 * subjects, *part.shape[1:])
                        )
                    out[f][2 * s : 2 * s + len(part)] = part
        for a in out.values():
            a.flush()
        spent = time.perf_counter() - started
        (folder / "meta.json").write_text(json.dumps({"build_s": spent, "workers": workers}))
        how = f"built by {workers} processes in {spent:.0f} s and cached"
    return {f: np.load(folder / f"{f}.npy", mmap_mode="r") for f in _fields()}, how


def fill(holder: Any, arrays: dict[str, Any], ids: list[uuid.UUID]) -> None:
    """Add the packed enrolments to the live gallery, subject i as records person ids[i]."""
    n = 2 * len(ids)
    holder.index.reserve(n)
    for s in range(0, n, LOAD_CHUNK):
        r = range(s, min(s + LOAD_CHUNK, n))
        g = engine.PreparedGallery(
            *(np.ascontiguousarray(arrays[f][r.start : r.stop]) for f in _fields())
        )
        keys = [EnrolmentKey(ids[k // 2], FINGERS[k % 2]) for k in r]
        holder.index.add_packed(keys, g)
    holder.index.shrink()
    holder.recount()


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
    # Built before the gallery exists: with PEELIAN_BIO_GALLERY_SHARDS > 0 building the
    # gallery starts Ray, which must not be forked.
    arrays, how = gallery_arrays(args.seed, len(ids), args.workers)
    holder = gallery_for(state)
    fill(holder, arrays, ids)
    holder.loaded.set()
    print(
        f"gallery: {len(holder.index)} fingers ({how}) in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
