"""Public 1:1 scoring: calibrated scores, FMR conversion and multi-finger fusion."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._calibration import calibrate_raw
from ._matcher import PreparedTemplate, raw_score
from .template import Template


def compare(probe: Template | PreparedTemplate, candidate: Template | PreparedTemplate) -> float:
    """Compare two fingerprints and return a score calibrated on the false match rate.

    The score is ``-10 * log10(FMR)``: the share of comparisons between *different* fingers
    that reach it. 10 means 1 in 10 impostors score as high, 20 about 1 % (0.01), 30 about
    0.1 %, 40 about 0.01 % (a reasonable 1:1 threshold), 50 about 0.001 %; beyond the data the
    scale is extrapolated from the impostor tail. The calibration is measured on impostor
    pairs (the SourceAFIS convention), so thresholds can be set from the FMR a deployment
    accepts; in 1:N search the expected false candidates per probe are about gallery size
    times FMR, so use a much higher threshold there, or :func:`fuse` several fingers.

    Rotation by any angle and partial overlap are handled; the comparison is symmetric in
    spirit but not bit-for-bit (the probe's alignment hypotheses are tried first).

    Parameters
    ----------
    probe, candidate
        Templates, or :class:`PreparedTemplate` objects from :func:`prepare` (faster when
        the same template is compared many times).

    Returns
    -------
    float
        Calibrated score, 0 or more.

    References
    ----------
    .. [1] R. Vazan, SourceAFIS algorithm and score calibration,
       https://sourceafis.machinezoo.com/algorithm
    .. [2] R. Cappelli, M. Ferrara and D. Maltoni, "Minutia Cylinder-Code", IEEE TPAMI 32(12),
       2010.
    """
    return float(calibrate_raw(raw_score(probe, candidate)))


def score_to_fmr(score: float) -> float:
    """False match rate a calibrated score stands for: ``10 ** (-score / 10)``."""
    return float(10.0 ** (-max(score, 0.0) / 10.0))


def fmr_to_score(fmr: float) -> float:
    """Calibrated score threshold for a false match rate: ``-10 * log10(fmr)``."""
    if not 0.0 < fmr <= 1.0:
        raise ValueError(f"a false match rate must be in (0, 1], got {fmr}")
    return float(-10.0 * np.log10(fmr))


def fuse(scores: Iterable[float]) -> float:
    """Fuse calibrated scores of several fingers of one person (e.g. a 2-finger probe).

    The sum of calibrated scores corresponds to the product of the fingers' false match
    rates, which is the joint FMR when the fingers' errors are independent. A missing or
    failed finger should be passed as 0 (it adds no evidence).
    """
    return float(sum(max(float(s), 0.0) for s in scores))
