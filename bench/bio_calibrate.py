"""Fit the engine's score calibration on impostor comparisons and print the constants.

Impostors: all pairs of different fingers of an FVC-style folder, plus the same with
left-right mirrored templates (mirror images are plausible prints of other fingers). Paste the
printed lines into ``src/peelian/biometrics/engine/parameters.py``.

Usage: python bench/bio_calibrate.py [--dir DIR]
"""

from __future__ import annotations

import argparse
import re
import textwrap
from pathlib import Path

import numpy as np

from peelian.biometrics.engine._calibration import fit_calibration
from peelian.biometrics.engine._matcher import prepare, raw_score
from peelian.biometrics.engine.evaluation import extract_all, list_samples, mirror

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared/fingerprints/FVC2002_DB1_B"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT)
    ap.add_argument("--write", action="store_true", help="update parameters.py in place")
    args = ap.parse_args()
    samples = list_samples(args.dir)
    templates, _, _ = extract_all(samples)
    fingers = [s.finger for s in samples]
    ok = [(f, t) for f, t in zip(fingers, templates, strict=True) if t is not None]
    orig = [(f, prepare(t)) for f, t in ok]
    mirr = [(f + "m", prepare(mirror(t))) for f, t in ok]
    everyone = orig + mirr
    raws = []
    for i in range(len(everyone)):
        for j in range(i + 1, len(everyone)):
            fi, fj = everyone[i][0], everyone[j][0]
            if fi.rstrip("m") == fj.rstrip("m"):
                continue
            raws.append(raw_score(everyone[i][1], everyone[j][1]))
    raw_knots, score_knots, slope = fit_calibration(raws)
    imp = np.asarray(raws)
    print(
        f"# {len(raws)} impostor comparisons; raw 99th/99.9th percentile "
        f"{np.percentile(imp, 99):.4f}/{np.percentile(imp, 99.9):.4f}"
    )
    print("CALIBRATION_RAW: Final = (" + ", ".join(f"{r:.5g}" for r in raw_knots) + ")")
    print("CALIBRATION_SCORE: Final = (" + ", ".join(f"{s:.4g}" for s in score_knots) + ")")
    print(f"CALIBRATION_TAIL_SLOPE: Final = {slope:.5g}")
    if args.write:
        _write(raw_knots, score_knots, slope, len(raws))


def _write(
    raw_knots: tuple[float, ...], score_knots: tuple[float, ...], slope: float, n: int
) -> None:
    path = Path(__file__).resolve().parents[1] / "src/peelian/biometrics/engine/parameters.py"
    text = path.read_text()

    def block(name: str, values: tuple[float, ...], fmt: str) -> str:
        body = ", ".join(format(v, fmt) for v in values)
        lines = textwrap.wrap(body, 100 - 4)
        return f"{name}: Final = (\n" + "".join(f"    {ln}\n" for ln in lines) + ")\n"

    text = re.sub(
        r"CALIBRATION_RAW: Final = \([^)]*\)\n", block("CALIBRATION_RAW", raw_knots, ".5g"), text
    )
    text = re.sub(
        r"CALIBRATION_SCORE: Final = \([^)]*\)\n",
        block("CALIBRATION_SCORE", score_knots, ".4g"),
        text,
    )
    text = re.sub(
        r"CALIBRATION_TAIL_SLOPE: Final = [0-9.e+-]+",
        f"CALIBRATION_TAIL_SLOPE: Final = {slope:.5g}",
        text,
    )
    text = re.sub(
        r"# Fitted by bench/bio_calibrate.py on [0-9,]+ impostor",
        f"# Fitted by bench/bio_calibrate.py on {n:,} impostor",
        text,
    )
    path.write_text(text)


if __name__ == "__main__":
    main()
