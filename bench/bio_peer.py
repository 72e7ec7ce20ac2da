"""Peer benchmark: Peelian's fingerprint engine against the `afis` PyPI package.

Runs every requested `afis` extractor+matcher combination (NBIS MINDTCT/BOZORTH3 ports, MCC,
SourceAFIS-style, ...) and Peelian on the same FVC-style folder, with the same protocol and
the same error-rate code (:func:`peelian.biometrics.engine.evaluation.error_rates`), and
prints one row per system plus Peelian's ratios against the best `afis` combination.

Speeds: comparisons/s and Peelian's extraction time are CPU time of this process (one core);
`afis` extraction times are its own wall-clock measurements.

Protocol: FVC genuine pairs (all impressions of a finger) against FVC impostors (first
impressions) by default; ``--all-pairs`` adds every impostor pair (slow for `afis`).
Combinations that cannot run here are reported as failed, with the reason.

Usage: python bench/bio_peer.py [--dir DIR] [--json] [--combos mindtct+bozorth3,safis+mcc]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from peelian.biometrics.engine import compare, prepare
from peelian.biometrics.engine.evaluation import (
    error_rates,
    extract_all,
    list_samples,
    measure_throughput,
)

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared/fingerprints/FVC2002_DB1_B"
DEFAULT_COMBOS = (
    "nbis_mindtct+nbis_bozorth3",
    "mindtct+bozorth3",
    "safis+safis",
    "safis+mcc",
    "safis+bozorth3",
    "gabor+mcc",
    "stft+geometric",
)


def _pairs(samples: list[Any], all_pairs: bool) -> list[tuple[str, int, int]]:
    firsts = {s.finger: min(t.impression for t in samples if t.finger == s.finger) for s in samples}
    out = []
    for i, j in itertools.combinations(range(len(samples)), 2):
        a, b = samples[i], samples[j]
        if a.finger == b.finger:
            out.append(("genuine", i, j))
        elif all_pairs or (a.impression == firsts[a.finger] and b.impression == firsts[b.finger]):
            out.append(("impostor", i, j))
    return out


def _row(
    name: str, gen: list[float], imp: list[float], extract_ms: float, cps: float
) -> dict[str, Any]:
    r = error_rates(gen, imp)
    return {
        "system": name,
        "status": "ok",
        "eer": r.eer,
        "fmr100": r.fmr100,
        "fmr1000": r.fmr1000,
        "zerofmr": r.zerofmr,
        "extract_ms": extract_ms,
        "comparisons_per_s": cps,
        "genuine": len(gen),
        "impostor": len(imp),
    }


def run_peelian(samples: list[Any], pairs: list[tuple[str, int, int]]) -> dict[str, Any]:
    templates, times, _ = extract_all(samples)
    prepared = [prepare(t) if t is not None else None for t in templates]
    gen: list[float] = []
    imp: list[float] = []
    for kind, i, j in pairs:
        a, b = prepared[i], prepared[j]
        s = 0.0 if a is None or b is None else compare(a, b)
        (gen if kind == "genuine" else imp).append(s)
    cps = measure_throughput([p for p in prepared if p is not None])
    return _row("peelian", gen, imp, float(np.median(times)), cps)


def run_afis(
    samples: list[Any], pairs: list[tuple[str, int, int]], combos: list[str]
) -> list[dict[str, Any]]:
    from afis.bench import fvc

    paths = [s.path for s in samples]
    cache: dict[str, tuple[dict[str, dict[str, Any]], float] | str] = {}
    rows = []
    for combo in combos:
        extractor, matcher = combo.split("+")
        name = f"afis {extractor}+{matcher}"
        if extractor not in cache:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    templates = fvc.extract_templates(paths, extractor)
                ms = float(np.median([v["extract_s"] for v in templates.values()])) * 1e3
                cache[extractor] = (templates, ms)
            except Exception as exc:
                cache[extractor] = f"extractor failed: {type(exc).__name__}: {exc}"
        got = cache[extractor]
        if isinstance(got, str):
            rows.append({"system": name, "status": "failed", "reason": got})
            continue
        templates, ms = got
        triples = [(kind, paths[i], paths[j]) for kind, i, j in pairs]
        try:
            start = time.process_time()
            with contextlib.redirect_stdout(io.StringIO()):
                g, i, _ = fvc.score_pairs(templates, triples, matcher)
            cps = len(triples) / max(time.process_time() - start, 1e-9)
        except Exception as exc:
            rows.append(
                {
                    "system": name,
                    "status": "failed",
                    "reason": f"matcher failed: {type(exc).__name__}: {exc}",
                }
            )
            continue
        rows.append(_row(name, list(map(float, g)), list(map(float, i)), ms, cps))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--all-pairs", action="store_true", help="use all impostor pairs")
    ap.add_argument(
        "--combos",
        default=",".join(DEFAULT_COMBOS),
        help="comma-separated afis extractor+matcher combinations",
    )
    args = ap.parse_args()
    samples = list_samples(args.dir)
    if not samples:
        raise SystemExit(f"no FINGER_IMPRESSION images in {args.dir}")
    pairs = _pairs(samples, args.all_pairs)
    combos = [c for c in args.combos.split(",") if c.strip()]
    rows = [run_peelian(samples, pairs), *run_afis(samples, pairs, combos)]
    ok = [r for r in rows[1:] if r["status"] == "ok"]
    ratios: dict[str, float] = {}
    if ok:
        best = min(ok, key=lambda r: r["eer"])
        pee = rows[0]
        ratios = {
            "best_afis": best["system"],
            "eer_ratio_best_afis_over_peelian": best["eer"] / max(pee["eer"], 1e-9),
            "extract_speedup": best["extract_ms"] / max(pee["extract_ms"], 1e-9),
            "comparison_speedup": pee["comparisons_per_s"] / max(best["comparisons_per_s"], 1e-9),
        }
    report = {
        "folder": str(args.dir),
        "protocol": "all-pairs" if args.all_pairs else "fvc",
        "rows": rows,
        "ratios": ratios,
    }
    if args.json:
        print(json.dumps(report))
        return
    print(
        f"{'system':<34}{'EER':>8}{'FMR100':>9}{'FMR1000':>9}{'ZeroFMR':>9}"
        f"{'extract ms':>12}{'cmp/s':>12}"
    )
    for r in rows:
        if r["status"] != "ok":
            print(f"{r['system']:<34}FAILED: {r['reason']}")
            continue
        print(
            f"{r['system']:<34}{100 * r['eer']:>7.2f}%{100 * r['fmr100']:>8.2f}%"
            f"{100 * r['fmr1000']:>8.2f}%{100 * r['zerofmr']:>8.2f}%"
            f"{r['extract_ms']:>12.1f}{r['comparisons_per_s']:>12,.0f}"
        )
    for k, v in ratios.items():
        print(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}")


if __name__ == "__main__":
    main()
