"""Ridge period (density) map and fingerprint silhouette of a master print."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._orientation import SingularPoints

__all__ = ["period_map", "silhouette"]

FloatArray = npt.NDArray[np.float32]


def silhouette(shape: tuple[int, int], rng: np.random.Generator) -> npt.NDArray[np.bool_]:
    """Fingertip silhouette: a rectangle capped by upper and lower half-ellipses.

    Parameters
    ----------
    shape
        ``(height, width)`` of the canvas.
    rng
        Source of the random shape parameters (:mod:`.parameters` ``SILHOUETTE_*``).

    Returns
    -------
    numpy.ndarray
        Boolean mask, true on the finger.

    References
    ----------
    .. [1] R. Cappelli, A. Erol, D. Maio and D. Maltoni, "Synthetic fingerprint-image
       generation", Proc. ICPR 2000, vol. 3, pp. 471-474 (fingerprint area model).
    """
    h, w = shape
    jitter = p.SILHOUETTE_CENTRE_JITTER
    cx = w * (0.5 + rng.uniform(-jitter, jitter))
    cy = h * (0.5 + rng.uniform(-jitter, jitter))
    a = w * rng.uniform(*p.SILHOUETTE_HALF_WIDTH)
    top = h * rng.uniform(*p.SILHOUETTE_TOP)
    bottom = h * rng.uniform(*p.SILHOUETTE_BOTTOM)
    flat = h * rng.uniform(*p.SILHOUETTE_FLAT)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    upper_y, lower_y = cy - flat / 2, cy + flat / 2
    dx = ((xs - cx) / a) ** 2
    upper = dx + ((ys - upper_y) / top) ** 2 <= 1.0
    lower = dx + ((ys - lower_y) / bottom) ** 2 <= 1.0
    middle = (ys >= upper_y) & (ys <= lower_y) & (dx <= 1.0)
    return np.asarray(((ys < upper_y) & upper) | middle | ((ys > lower_y) & lower), dtype=bool)


def period_map(
    shape: tuple[int, int], singular: SingularPoints, rng: np.random.Generator
) -> FloatArray:
    """Ridge period in pixels: a base value, longer near singular points, smoothly varying.

    Returns
    -------
    numpy.ndarray
        ``float32`` period map clipped to :data:`.parameters.PERIOD_RANGE`.

    References
    ----------
    .. [1] D. Maltoni et al., "Handbook of Fingerprint Recognition", 2nd ed., 2009, section 6.4
       (density map: lower ridge frequency around cores and deltas).
    """
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    period = np.full(shape, rng.uniform(*p.PERIOD_BASE))
    for x, y in np.concatenate([singular.cores, singular.deltas]):
        d2 = (xs - x) ** 2 + (ys - y) ** 2
        period += p.PERIOD_SINGULAR_BUMP * np.exp(-d2 / (2 * p.PERIOD_SINGULAR_RADIUS**2))
    # Ridges are a little wider towards the crease than at the fingertip.
    period += rng.uniform(*p.PERIOD_GRADIENT) * (ys / h - 0.5)
    period += p.PERIOD_NOISE * noise_field(shape, p.PERIOD_NOISE_SCALE, rng)
    return np.asarray(np.clip(period, *p.PERIOD_RANGE), dtype=np.float32)


def noise_field(shape: tuple[int, int], scale: float, rng: np.random.Generator) -> FloatArray:
    """Smooth random field in [-1, 1] with features about ``scale`` pixels across.

    Coarse fields are drawn on a reduced grid and enlarged, which keeps the cost of large
    scales low; the field is normalised by its largest magnitude.
    """
    h, w = shape
    factor = max(1, int(scale // 6))
    white = rng.standard_normal((-(-h // factor), -(-w // factor))).astype(np.float32)
    small = np.asarray(cv2.GaussianBlur(white, (0, 0), max(scale / 3 / factor, 0.5)))
    noise = np.asarray(
        small if factor == 1 else cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR),
        dtype=np.float32,
    )
    return (noise / (float(np.abs(noise).max()) + 1e-9)).astype(np.float32)
