"""1:N benchmark of the fingerprint gallery index on synthetic templates.

The gallery and probes are *templates generated directly* by
:mod:`peelian.biometrics.gallery.synthetic` (minutiae point processes with impressions:
distortion, rotation, translation, jitter, partial capture, dropout, spurious minutiae), not
minutiae extracted from fingerprint images: rendering a million images is far too slow.
Figures on real captures will be worse.

Each subject enrols two index fingers (ISO positions 2 and 7); ``--gallery`` counts fingers.
Mated searches use fresh impressions of enrolled subjects' fingers; non-mated searches use
subjects that were never enrolled. Reported: search latency (median, p95) per two-finger
search; rank-1 hit rate; FNIR at FPIR = 1 % (threshold set from the non-mated searches' top
fused scores); memory per enrolled finger (all index arrays / fingers); enrolment rate
(fingers/s into the index, template preparation included, generation excluded).

Usage: python bench/bio_1n.py --gallery 10000 [--ray] [--json] [--searches 100]
With ``--ray`` the same data also goes into a Ray-sharded index (2 local worker actors) and
both sets of figures are printed (``--json``: one object per line and mode).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from peelian.biometrics import engine
from peelian.biometrics.gallery import EnrolmentKey, GalleryIndex, ShardedGalleryIndex
from peelian.biometrics.gallery import synthetic as syn

FINGERS = (2, 7)
CHUNK = 1000
console = Console(stderr=True)


def subject_id(seed: int, i: int) -> uuid.UUID:
    return uuid.UUID(int=(int(np.random.default_rng([seed, i, 9]).integers(1, 2**62)) << 64) | i)


def masters(seed: int, i: int) -> tuple[dict[int, syn.Master], np.random.Generator]:
    rng = np.random.default_rng([seed, i])
    return {f: syn.master(rng) for f in FINGERS}, rng


def enrolments(args: tuple[int, int, int]) -> list[tuple[EnrolmentKey, engine.Template]]:
    seed, start, stop = args
    out = []
    for i in range(start, stop):
        ms, rng = masters(seed, i)
        sid = subject_id(seed, i)
        out += [
            (EnrolmentKey(sid, f), syn.impression(ms[f], rng, finger_position=f)) for f in FINGERS
        ]
    return out


def probe(seed: int, i: int) -> list[engine.Template]:
    ms, _ = masters(seed, i)
    rng = np.random.default_rng([seed, i, 1])
    return [syn.impression(ms[f], rng, finger_position=f) for f in FINGERS]


def chunks(
    seed: int, subjects: int, workers: int
) -> Iterator[list[tuple[EnrolmentKey, engine.Template]]]:
    jobs = [(seed, s, min(s + CHUNK // 2, subjects)) for s in range(0, subjects, CHUNK // 2)]
    with mp.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(enrolments, jobs)


def build(index: Any, seed: int, subjects: int, workers: int, label: str) -> float:
    """Enrol every subject; returns the seconds spent inside add_many."""
    spent = 0.0
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"enrol ({label}, templates generated directly)", total=2 * subjects)
        for batch in chunks(seed, subjects, workers):
            t0 = time.perf_counter()
            index.add_many(batch)
            spent += time.perf_counter() - t0
            bar.advance(task, len(batch))
    return spent


def measure(index: Any, seed: int, subjects: int, searches: int, label: str) -> dict[str, Any]:
    rng = np.random.default_rng([seed, 77])
    mated = rng.choice(subjects, size=min(searches, subjects), replace=False)
    lat: list[float] = []
    mate_scores: list[float] = []
    rank1 = 0
    nonmated_top: list[float] = []
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"search ({label})", total=len(mated) + searches)
        for i in mated:
            p = probe(seed, int(i))
            t0 = time.perf_counter()
            found = index.search(p, top=10)
            lat.append(time.perf_counter() - t0)
            sid = subject_id(seed, int(i))
            rank1 += bool(found) and found[0].subject_id == sid
            mate_scores.append(next((c.score for c in found if c.subject_id == sid), -1.0))
            bar.advance(task)
        for j in range(searches):
            p = probe(seed, subjects + 1 + j)  # never enrolled
            t0 = time.perf_counter()
            found = index.search(p, top=10)
            lat.append(time.perf_counter() - t0)
            nonmated_top.append(found[0].score if found else 0.0)
            bar.advance(task)
    nm = np.sort(np.asarray(nonmated_top))[::-1]
    k = int(np.floor(0.01 * len(nm)))
    threshold = float(nm[k]) + 1e-6 if k < len(nm) else 0.0
    fnir = float(np.mean(np.asarray(mate_scores) < threshold))
    return {
        "search_median_s": float(np.median(lat)),
        "search_p95_s": float(np.percentile(lat, 95)),
        "rank1": rank1 / len(mated),
        "fnir_at_fpir_1pct": fnir,
        "threshold_at_fpir_1pct": threshold,
        "mated_searches": len(mated),
        "nonmated_searches": searches,
    }


def run(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    subjects = args.gallery // 2
    if mode == "ray":
        index: Any = ShardedGalleryIndex(
            2,
            capacity=args.gallery,
            shortlist=args.shortlist,
            ray_options={"num_cpus": 2, "include_dashboard": False, "log_to_driver": False},
        )
    else:
        index = GalleryIndex(capacity=args.gallery, shortlist=args.shortlist)
    spent = build(index, args.seed, subjects, args.workers, mode)
    index.shrink()
    out: dict[str, Any] = {"gallery": len(index), "mode": mode}
    out.update(measure(index, args.seed, subjects, args.searches, mode))
    out["bytes_per_finger"] = float(index.bytes_per_finger)
    out["enrol_per_s"] = len(index) / spent
    out["shortlist"] = args.shortlist
    out["templates"] = "synthetic, generated directly (no images)"
    out["load_average"] = os.getloadavg()[0]
    if mode == "ray":
        index.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gallery", type=int, default=10_000, help="enrolled fingers (2 per subject)")
    ap.add_argument("--ray", action="store_true", help="also run with 2 Ray worker actors")
    ap.add_argument("--json", action="store_true", help="print one JSON object per mode")
    ap.add_argument("--searches", type=int, default=100, help="mated and non-mated searches each")
    ap.add_argument("--shortlist", type=int, default=1000, help="fingers rescored per probe finger")
    ap.add_argument("--workers", type=int, default=2, help="processes generating templates")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    results = [run("single", args)]
    if args.ray:
        results.append(run("ray", args))
    if args.json:
        for r in results:
            print(json.dumps(r))
        return
    table = Table(title=f"1:N, {args.gallery:,} fingers (synthetic templates generated directly)")
    table.add_column("figure")
    for r in results:
        table.add_column(r["mode"], justify="right")
    for key in (
        "gallery",
        "search_median_s",
        "search_p95_s",
        "rank1",
        "fnir_at_fpir_1pct",
        "bytes_per_finger",
        "enrol_per_s",
        "load_average",
    ):
        table.add_row(
            key, *[f"{r[key]:.4g}" if isinstance(r[key], float) else str(r[key]) for r in results]
        )
    Console().print(table)


if __name__ == "__main__":
    main()
