"""Mapping raw similarities to scores calibrated on the false match rate."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import parameters as p

F64 = npt.NDArray[np.float64]

CALIBRATION_FMRS = (
    0.5,
    0.3,
    0.2,
    0.1,
    0.05,
    0.03,
    0.02,
    0.01,
    0.005,
    0.003,
    0.002,
    0.001,
    0.0005,
    0.0003,
    0.0002,
)
"""False match rates at which calibration knots are placed (as far as the data reaches)."""


def calibrate_raw(raw: float | npt.ArrayLike) -> F64:
    """Map raw similarities to calibrated scores with the knots in :mod:`parameters`."""
    r = np.asarray(raw, dtype=np.float64)
    knots_raw = np.asarray(p.CALIBRATION_RAW, dtype=np.float64)
    knots_score = np.asarray(p.CALIBRATION_SCORE, dtype=np.float64)
    inside = np.interp(r, knots_raw, knots_score)
    tail = knots_score[-1] + p.CALIBRATION_TAIL_SLOPE * (r - knots_raw[-1])
    return np.where(r > knots_raw[-1], tail, np.maximum(inside, 0.0))


def fit_calibration(
    impostor_raw: npt.ArrayLike, *, tail_fraction: float = 0.05
) -> tuple[tuple[float, ...], tuple[float, ...], float]:
    """Fit calibration knots to raw scores of impostor comparisons.

    Knots sit at the raw scores whose empirical false match rate is each of
    ``CALIBRATION_FMRS`` that the sample can resolve (at least ten impostors above it);
    beyond them the score grows linearly, with the slope of ``-10 log10(FMR)`` against the
    raw score fitted over the top `tail_fraction` of impostors (an exponential tail).

    Returns
    -------
    raw_knots, score_knots, tail_slope
        Values for ``CALIBRATION_RAW``, ``CALIBRATION_SCORE`` and ``CALIBRATION_TAIL_SLOPE``.
    """
    imp = np.sort(np.asarray(impostor_raw, dtype=np.float64))[::-1]
    n = len(imp)
    raws = [0.0]
    scores = [0.0]
    for fmr in CALIBRATION_FMRS:
        k = int(np.floor(fmr * n))
        if k < 10:
            break
        r = float(imp[k - 1])
        s = -10.0 * np.log10(fmr)
        if r > raws[-1] + 1e-9:
            raws.append(r)
            scores.append(s)
    top = max(10, int(tail_fraction * n))
    rank = np.arange(1, top + 1)
    fmr_emp = rank / n
    y = -10.0 * np.log10(fmr_emp)
    x = imp[:top]
    slope = float(np.polyfit(x, y, 1)[0]) if np.ptp(x) > 0 else 100.0
    return tuple(raws), tuple(scores), max(slope, 1e-3)
