"""Minutia Cylinder-Code style local descriptors, bit-packed for fast comparison."""

from __future__ import annotations

import cv2
import numba as nb
import numpy as np
import numpy.typing as npt

from . import parameters as p
from .template import Template

F32 = npt.NDArray[np.float32]
U64 = npt.NDArray[np.uint64]
Mask = npt.NDArray[np.bool_]


def cell_offsets() -> tuple[F32, F32]:
    """Centres of the cylinder's spatial cells inside its radius, in the minutia's frame."""
    ns = p.MCC_SPATIAL_CELLS
    step = 2.0 * p.MCC_RADIUS / ns
    c = (np.arange(ns) - (ns - 1) / 2.0) * step
    u, v = np.meshgrid(c, c)
    inside = np.hypot(u, v) <= p.MCC_RADIUS
    return u[inside].astype(np.float32), v[inside].astype(np.float32)


def _hull_mask(t: Template) -> tuple[npt.NDArray[np.uint8], int, int]:
    """Convex hull of the minutiae grown by ``MCC_HULL_MARGIN``, on a coarse raster.

    Returns the raster and the x and y offsets that map a position to raster cells
    (``cell = int((position + offset) / FIELD_SCALE)``); the raster covers the image and any
    minutiae outside it (templates from other systems may not fit their stated size).
    """
    s = p.FIELD_SCALE
    margin = int(p.MCC_RADIUS) + s
    lo_x = min(0.0, float(t.x.min())) if len(t) else 0.0
    lo_y = min(0.0, float(t.y.min())) if len(t) else 0.0
    hi_x = max(float(t.width), float(t.x.max()) + 1) if len(t) else float(t.width)
    hi_y = max(float(t.height), float(t.y.max()) + 1) if len(t) else float(t.height)
    padx = margin - int(np.floor(lo_x))
    pady = margin - int(np.floor(lo_y))
    h = int(hi_y + pady + margin) // s + 1
    w = int(hi_x + padx + margin) // s + 1
    canvas = np.zeros((h, w), dtype=np.uint8)
    if len(t) == 0:
        return canvas, padx, pady
    pts = np.stack([(t.x + padx) / s, (t.y + pady) / s], axis=1).astype(np.int32)
    if len(t) >= 3:
        cv2.fillConvexPoly(canvas, cv2.convexHull(pts), 1)
    else:
        cv2.polylines(canvas, [pts.reshape(-1, 1, 2)], False, 1)
    if not canvas.any():
        return canvas, padx, pady
    dist = cv2.distanceTransform(1 - canvas, cv2.DIST_L2, 3)
    return (dist * s <= p.MCC_HULL_MARGIN).astype(np.uint8), padx, pady


def cylinders(t: Template) -> tuple[U64, U64, Mask]:
    """Build every minutia's binary cylinder.

    Parameters
    ----------
    t
        Template (ISO angles, positions at 500 ppi).

    Returns
    -------
    bits
        ``(n, MCC_ANGULAR_CELLS)`` words: bit ``c`` of word ``k`` is set when neighbouring
        minutiae with relative direction near angular section ``k`` lie near spatial cell ``c``.
    valid
        ``(n,)`` words: bit ``c`` set when spatial cell ``c`` lies in the area the template
        covers (the minutiae's convex hull grown by a margin).
    usable
        Whether each cylinder has enough valid cells and neighbours to be compared.

    References
    ----------
    .. [1] R. Cappelli, M. Ferrara and D. Maltoni, "Minutia Cylinder-Code: a new representation
       and matching technique for fingerprint recognition", IEEE TPAMI 32(12), 2010.
    """
    cu, cv = cell_offsets()
    hull, padx, pady = _hull_mask(t)
    return _cylinders(
        t.x.astype(np.float32),
        t.y.astype(np.float32),
        t.angle.astype(np.float32),
        cu,
        cv,
        hull,
        padx,
        pady,
        p.FIELD_SCALE,
        p.MCC_ANGULAR_CELLS,
        p.MCC_SIGMA_S,
        p.MCC_SIGMA_D,
        p.MCC_BIT_THRESHOLD,
        p.MCC_RADIUS + 3 * p.MCC_SIGMA_S,
        p.MCC_MIN_VALID_CELLS,
        p.MCC_MIN_NEIGHBOURS,
    )


@nb.njit(cache=True, nogil=True)
def _cylinders(
    x: F32,
    y: F32,
    a: F32,
    cu: F32,
    cv: F32,
    hull: npt.NDArray[np.uint8],
    padx: int,
    pady: int,
    scale: int,
    nd: int,
    sigma_s: float,
    sigma_d: float,
    threshold: float,
    reach: float,
    min_valid: float,
    min_neigh: int,
) -> tuple[U64, U64, Mask]:  # pragma: no cover - compiled
    n = x.shape[0]
    nc = cu.shape[0]
    bits = np.zeros((n, nd), dtype=np.uint64)
    valid = np.zeros(n, dtype=np.uint64)
    usable = np.zeros(n, dtype=np.bool_)
    hh, hw = hull.shape
    two_pi = 2.0 * np.pi
    for i in range(n):
        ux = np.cos(a[i])
        uy = -np.sin(a[i])
        vx = -uy
        vy = ux
        nvalid = 0
        for c in range(nc):
            px = x[i] + cu[c] * ux + cv[c] * vx
            py = y[i] + cu[c] * uy + cv[c] * vy
            gx = int((px + padx) / scale)
            gy = int((py + pady) / scale)
            if 0 <= gx < hw and 0 <= gy < hh and hull[gy, gx]:
                valid[i] |= np.uint64(1) << np.uint64(c)
                nvalid += 1
        neigh = 0
        for j in range(n):
            if j != i and (x[j] - x[i]) ** 2 + (y[j] - y[i]) ** 2 <= reach * reach:
                neigh += 1
        usable[i] = nvalid >= min_valid * nc and neigh >= min_neigh
        for c in range(nc):
            if not (valid[i] >> np.uint64(c)) & np.uint64(1):
                continue
            px = x[i] + cu[c] * ux + cv[c] * vx
            py = y[i] + cu[c] * uy + cv[c] * vy
            for k in range(nd):
                centre = -np.pi + (k + 0.5) * two_pi / nd
                total = 0.0
                for j in range(n):
                    if j == i:
                        continue
                    d2 = (x[j] - px) ** 2 + (y[j] - py) ** 2
                    if d2 > 9.0 * sigma_s * sigma_s:
                        continue
                    da = (a[j] - a[i]) % two_pi
                    if da >= np.pi:
                        da -= two_pi
                    dd = (da - centre + np.pi) % two_pi - np.pi
                    total += np.exp(-d2 / (2 * sigma_s * sigma_s)) * np.exp(
                        -dd * dd / (2 * sigma_d * sigma_d)
                    )
                if total > threshold:
                    bits[i, k] |= np.uint64(1) << np.uint64(c)
    return bits, valid, usable
