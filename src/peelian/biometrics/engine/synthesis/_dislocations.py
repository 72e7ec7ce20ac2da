"""Random minutiae for a master print: pairs of phase dislocations planted in the ridges.

Gabor growth alone puts minutiae only where the orientation and density maps force ridges to
appear or end, so they sit at much the same places in every print of a class, and different
synthetic fingers agree far more often than real ones do. Real fingers also carry many
minutiae that the flow does not explain. Each one is a spiral phase singularity of the ridge
pattern; a pair of opposite singularities a few ridges apart inserts one short ridge (two
endings) or one short valley (two bifurcations) and leaves the pattern further away as it was.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._orientation import SingularPoints
from ._ridges import gabor_kernel

__all__ = ["plant_dislocations"]

FloatArray = npt.NDArray[np.float32]


def plant_dislocations(
    ridges: FloatArray,
    orientation: FloatArray,
    period: FloatArray,
    mask: npt.NDArray[np.bool_],
    singular: SingularPoints,
    rng: np.random.Generator,
) -> FloatArray:
    """Plant random dislocation pairs in a grown ridge pattern; returns a new pattern.

    The number of pairs is Poisson with mean :data:`.parameters.DISLOCATION_PAIRS`. Each pair
    lies along the local ridge direction, :data:`.parameters.DISLOCATION_LENGTH` ridge
    periods long, inside the finger and clear of its cores and deltas. Around the pair the
    local phase ``psi`` is read with a quadrature (even and odd) Gabor filter tuned to the
    pair's ridges, and the pattern becomes ``cos(psi + delta)``, where ``delta`` is the
    difference of the two spiral angles; it fades out over a few periods. Refine the result
    with a few growth iterations so that the seams heal.

    References
    ----------
    .. [1] K. G. Larkin and P. A. Fletcher, "A coherent framework for fingerprint analysis:
       are fingerprints holograms?", Optics Express 15(14):8667-8677, 2007 (minutiae as
       spiral phase singularities).
    """
    out = ridges.copy()
    h, w = ridges.shape
    points = np.concatenate([singular.cores, singular.deltas]).reshape(-1, 2)
    for _ in range(int(rng.poisson(p.DISLOCATION_PAIRS))):
        cx = float(rng.uniform(0, w))
        cy = float(rng.uniform(0, h))
        length = float(rng.uniform(*p.DISLOCATION_LENGTH))
        sign = 1.0 if rng.random() < 0.5 else -1.0
        iy, ix = min(int(cy), h - 1), min(int(cx), w - 1)
        if not mask[iy, ix]:
            continue
        if len(points) and float(np.min(np.hypot(*(points - (cx, cy)).T))) < (
            p.DISLOCATION_CLEARANCE
        ):
            continue
        _plant(out, float(orientation[iy, ix]), float(period[iy, ix]), cx, cy, length, sign)
    return out


def _plant(
    out: FloatArray, theta: float, period: float, cx: float, cy: float, length: float, sign: float
) -> None:
    """Rewrite the pattern around ``(cx, cy)`` with one dislocation pair, in place."""
    h, w = out.shape
    half = 0.5 * length * period
    radius = half + p.DISLOCATION_FADE * period
    kernel = gabor_kernel(theta, period)
    pad = kernel[0].shape[0] // 2 + 1
    r = math.ceil(radius)
    x0, x1 = max(0, int(cx) - r - pad), min(w, int(cx) + r + pad + 1)
    y0, y1 = max(0, int(cy) - r - pad), min(h, int(cy) + r + pad + 1)
    region = np.ascontiguousarray(out[y0:y1, x0:x1])
    re_x, re_y, im_x, im_y = kernel
    even = cv2.sepFilter2D(region, -1, re_x, re_y, borderType=cv2.BORDER_REFLECT) + cv2.sepFilter2D(
        region, -1, im_x, im_y, borderType=cv2.BORDER_REFLECT
    )
    odd = cv2.sepFilter2D(region, -1, -im_x, re_y, borderType=cv2.BORDER_REFLECT) + cv2.sepFilter2D(
        region, -1, re_x, im_y, borderType=cv2.BORDER_REFLECT
    )
    psi = np.arctan2(odd, even)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    # Coordinates along (t) and across (s) the ridges, centred on the pair.
    dx, dy = xs - cx, ys - cy
    t = dx * math.cos(theta) + dy * math.sin(theta)
    s = -dx * math.sin(theta) + dy * math.cos(theta)
    delta = np.arctan2(s, t + half) - np.arctan2(s, t - half)
    # Fade the change out with the distance from the segment between the two singularities.
    gap = np.hypot(np.maximum(np.abs(t) - half, 0.0), s)
    fade = p.DISLOCATION_FADE * period
    weight = np.clip(1.0 - (gap - period) / max(fade - period, 1e-6), 0.0, 1.0)
    weight = 0.5 - 0.5 * np.cos(np.pi * weight)
    planted = np.cos(psi + sign * delta)
    out[y0:y1, x0:x1] = (region * (1.0 - weight) + planted * weight).astype(np.float32)
