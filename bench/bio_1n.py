"""1:N benchmark of the fingerprint gallery index on synthetic templates.

The gallery and probes are *templates generated directly* by
:mod:`peelian.biometrics.gallery.synthetic` (minutiae point processes with impressions:
distortion, rotation, translation, jitter, partial capture, dropout, spurious minutiae), not
minutiae extracted from fingerprint images: rendering a million images is far too slow.
Figures on real captures will be worse.

The enrolment templates are generated and prepared (``engine.pack``) by ``--workers``
processes once and cached as arrays under ``var/bench-cache/`` (keyed by a digest of the
engine, the generator and the enrolment code, so any change builds them again); later runs
load them with ``GalleryIndex.add_packed``. The output says how the gallery was made.

Each subject enrols two index fingers (ISO positions 2 and 7); ``--gallery`` counts fingers.
Mated searches use fresh impressions of enrolled subjects' fingers; non-mated searches use
subjects that were never enrolled. Reported: search latency (median, p95) per two-finger
search; rank-1 hit rate; FNIR at FPIR = 1 % (threshold set from the non-mated searches' top
fused scores); memory per enrolled finger (all index arrays / fingers); enrolment rate
(fingers/s of incremental ``add_many`` of templates into the full index, preparation
included, generation excluded); with ``--recall`` the share of mated probe fingers whose
mate the candidate stage passes to the matcher (single process only). Wall-clock times
depend on the machine's load (printed); ``search_cpu_median_s`` is the process CPU time.

Usage: python bench/bio_1n.py --gallery 10000 [--ray] [--json] [--recall] [--searches 100]
With ``--ray`` the same data also goes into a Ray-sharded index (2 local worker actors) and
both sets of figures are printed (``--json``: one object per line and mode).
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import multiprocessing as mp
import os
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from peelian.biometrics import engine
from peelian.biometrics.engine import parameters as ep
from peelian.biometrics.gallery import EnrolmentKey, GalleryIndex, ShardedGalleryIndex
from peelian.biometrics.gallery import parameters as gp
from peelian.biometrics.gallery import synthetic as syn

FINGERS = (2, 7)
CHUNK = 1000
LOAD_CHUNK = 20_000
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


def packed_chunk(args: tuple[int, int, int]) -> tuple[list[EnrolmentKey], engine.PreparedGallery]:
    """Generate and prepare one chunk of enrolments (runs in a worker process)."""
    items = enrolments(args)
    return [k for k, _ in items], engine.pack([t for _, t in items])


GALLERY_FIELDS = ("count", "x", "y", "angle", "bits", "valid")
CACHE = Path(__file__).resolve().parent.parent / "var" / "bench-cache"


def cache_tag() -> str:
    """Digest of the code that decides the cached arrays: engine, generator, this script's
    enrolment functions. Any change to them builds the gallery again. The engine's image
    synthesis (``engine/synthesis``) is left out: the gallery is generated as templates."""
    src = Path(engine.__file__).parent
    h = hashlib.sha256()
    for f in sorted(src.rglob("*.py")):
        if "synthesis" not in f.relative_to(src).parts:
            h.update(f.read_bytes())
    h.update(Path(syn.__file__).read_bytes())
    for fn in (subject_id, masters, enrolments):
        h.update(inspect.getsource(fn).encode())
    return h.hexdigest()[:12]


def build_arrays(folder: Path, seed: int, subjects: int, workers: int) -> dict[str, Any]:
    """Generate, prepare and pack every enrolment with `workers` processes into .npy files."""
    n = 2 * subjects
    m, nd = ep.MATCH_MINUTIAE, ep.MCC_ANGULAR_CELLS
    folder.mkdir(parents=True, exist_ok=True)
    shapes = {
        "count": ((n,), np.uint8),
        "x": ((n, m), np.int16),
        "y": ((n, m), np.int16),
        "angle": ((n, m), np.uint8),
        "bits": ((n, m, nd), np.uint64),
        "valid": ((n, m), np.uint64),
        "key": ((n, 3), np.uint64),
    }
    out = {
        f: np.lib.format.open_memmap(folder / f"{f}.npy", mode="w+", dtype=dt, shape=sh)
        for f, (sh, dt) in shapes.items()
    }
    step = CHUNK // 2
    jobs = [(seed, s, min(s + step, subjects)) for s in range(0, subjects, step)]
    t0 = time.perf_counter()
    with (
        Progress(console=console, transient=True) as bar,
        mp.get_context("fork").Pool(workers) as pool,
    ):
        task = bar.add_task(f"generate + prepare ({workers} processes)", total=n)
        for (_, start, _), (keys, g) in zip(jobs, pool.imap(packed_chunk, jobs), strict=True):
            r = slice(2 * start, 2 * start + len(g))
            for f in GALLERY_FIELDS:
                out[f][r] = getattr(g, f)
            out["key"][r] = [
                (k.subject_id.int >> 64, k.subject_id.int & (2**64 - 1), k.finger_position)
                for k in keys
            ]
            bar.advance(task, len(g))
    spent = time.perf_counter() - t0
    for a in out.values():
        a.flush()
    meta = {"fingers": n, "build_s": spent, "workers": workers, "load": os.getloadavg()[0]}
    (folder / "meta.json").write_text(json.dumps(meta))  # written last: marks it complete
    return meta


def gallery_arrays(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """The enrolment arrays, from the cache when this code built them before."""
    folder = CACHE / f"bio_1n-seed{args.seed}-n{args.gallery}-{cache_tag()}"
    if args.rebuild or not (folder / "meta.json").exists():
        meta = build_arrays(folder, args.seed, args.gallery // 2, args.workers)
        how = f"built now by {meta['workers']} processes in {meta['build_s']:.0f} s, cached"
    else:
        meta = json.loads((folder / "meta.json").read_text())
        how = f"loaded from cache (built by {meta['workers']} processes in {meta['build_s']:.0f} s)"
    arrays = {f: np.load(folder / f"{f}.npy", mmap_mode="r") for f in (*GALLERY_FIELDS, "key")}
    info = {
        "gallery_source": f"{how}: {folder.relative_to(CACHE.parent.parent)}",
        "build_fingers_per_s": meta["fingers"] / meta["build_s"],
    }
    return arrays, info


def load(index: Any, arrays: dict[str, Any], label: str) -> float:
    """Add the packed arrays to the index in chunks; returns the seconds spent adding."""
    n = len(arrays["count"])
    spent = 0.0
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"load ({label})", total=n)
        for s in range(0, n, LOAD_CHUNK):
            r = slice(s, min(s + LOAD_CHUNK, n))
            g = engine.PreparedGallery(
                *(np.ascontiguousarray(arrays[f][r]) for f in GALLERY_FIELDS)
            )
            keys = [
                EnrolmentKey(uuid.UUID(int=(int(h) << 64) | int(lo)), int(fp))
                for h, lo, fp in arrays["key"][r]
            ]
            t0 = time.perf_counter()
            index.add_packed(keys, g)
            spent += time.perf_counter() - t0
            bar.advance(task, len(keys))
    return spent


def enrol_rate(index: Any, seed: int, first: int, subjects: int) -> tuple[float, float]:
    """Fingers/s of incremental add_many of templates into the full index (prepare
    included, generation excluded), on `subjects` extra subjects removed afterwards; and
    the seconds to grow the full candidate table by half first (``reserve``: a service
    reserves room at start-up, or an add that finds the table full rebuilds it)."""
    items = enrolments((seed, first, first + subjects))
    t0 = time.perf_counter()
    index.reserve(int(len(index) * 1.5))
    regrow = time.perf_counter() - t0
    index.add_many(items[:2])  # warm-up: compiled code loads on first use
    t0 = time.perf_counter()
    for i in range(2, len(items), 20):
        index.add_many(items[i : i + 20])
    spent = time.perf_counter() - t0
    for k, _ in items:
        index.remove(k)
    return (len(items) - 2) / spent, regrow


def recall(index: GalleryIndex, seed: int, mated: np.ndarray) -> float:
    """Share of mated probe fingers whose mate the candidate stage passes to the matcher."""
    hits = []
    for i in mated:
        sid = subject_id(seed, int(i))
        for t in probe(seed, int(i)):
            hits.append(index.shortlisted(t, EnrolmentKey(sid, t.finger_position)))
    return float(np.mean(hits))


def measure(index: Any, seed: int, subjects: int, searches: int, label: str) -> dict[str, Any]:
    rng = np.random.default_rng([seed, 77])
    mated = rng.choice(subjects, size=min(searches, subjects), replace=False)
    lat: list[float] = []
    cpu: list[float] = []
    mate_scores: list[float] = []
    rank1 = 0
    nonmated_top: list[float] = []
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"search ({label})", total=len(mated) + searches)
        for i in mated:
            p = probe(seed, int(i))
            t0, c0 = time.perf_counter(), time.process_time()
            found = index.search(p, top=10)
            lat.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            sid = subject_id(seed, int(i))
            rank1 += bool(found) and found[0].subject_id == sid
            mate_scores.append(next((c.score for c in found if c.subject_id == sid), -1.0))
            bar.advance(task)
        for j in range(searches):
            p = probe(seed, subjects + 1 + j)  # never enrolled
            t0, c0 = time.perf_counter(), time.process_time()
            found = index.search(p, top=10)
            lat.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            nonmated_top.append(found[0].score if found else 0.0)
            bar.advance(task)
    nm = np.sort(np.asarray(nonmated_top))[::-1]
    k = int(np.floor(0.01 * len(nm)))
    threshold = float(nm[k]) + 1e-6 if k < len(nm) else 0.0
    fnir = float(np.mean(np.asarray(mate_scores) < threshold))
    return {
        "search_median_s": float(np.median(lat)),
        "search_p95_s": float(np.percentile(lat, 95)),
        "search_cpu_median_s": float(np.median(cpu)),
        "rank1": rank1 / len(mated),
        "fnir_at_fpir_1pct": fnir,
        "threshold_at_fpir_1pct": threshold,
        "mated_searches": len(mated),
        "nonmated_searches": searches,
    }


def run(mode: str, args: argparse.Namespace, arrays: dict[str, Any]) -> dict[str, Any]:
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
    spent = load(index, arrays, mode)
    out: dict[str, Any] = {"gallery": len(index), "mode": mode}
    out["load_packed_per_s"] = len(index) / spent
    rate, regrow = enrol_rate(index, args.seed, subjects + args.searches + 10, 100)
    index.shrink()
    out.update(measure(index, args.seed, subjects, args.searches, mode))
    out["bytes_per_finger"] = float(index.bytes_per_finger)
    out["enrol_per_s"] = rate
    out["table_regrow_s"] = regrow
    if mode == "ray":
        del out["search_cpu_median_s"]  # the driver's CPU time says nothing of the actors'.
    if mode == "single" and args.recall:
        rng = np.random.default_rng([args.seed, 77])
        mated = rng.choice(subjects, size=min(args.searches, subjects), replace=False)
        out["shortlist_recall"] = recall(index, args.seed, mated)
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
    ap.add_argument(
        "--shortlist", type=int, default=gp.SHORTLIST, help="fingers rescored per probe finger"
    )
    ap.add_argument("--workers", type=int, default=2, help="processes generating templates")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ray-only", action="store_true", help="run only the Ray-sharded index")
    ap.add_argument("--recall", action="store_true", help="also measure shortlist recall")
    ap.add_argument("--rebuild", action="store_true", help="build the gallery even if cached")
    args = ap.parse_args()
    arrays, info = gallery_arrays(args)
    results = [] if args.ray_only else [run("single", args, arrays)]
    if args.ray or args.ray_only:
        results.append(run("ray", args, arrays))
    for r in results:
        r.update(info)
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
        "search_cpu_median_s",
        "rank1",
        "fnir_at_fpir_1pct",
        "bytes_per_finger",
        "enrol_per_s",
        "table_regrow_s",
        "load_packed_per_s",
        "build_fingers_per_s",
        "shortlist_recall",
        "load_average",
    ):
        cells = [r.get(key, "") for r in results]
        table.add_row(key, *[f"{c:.4g}" if isinstance(c, float) else str(c) for c in cells])
    Console().print(table)
    Console().print(f"gallery: {results[0]['gallery_source']}")


if __name__ == "__main__":
    main()
