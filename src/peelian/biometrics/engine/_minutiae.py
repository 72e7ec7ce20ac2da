"""Minutiae detection on the skeleton and removal of false minutiae."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numba as nb
import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._orientation import orientation_at

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]

# Neighbour offsets in circular order starting north, clockwise (y down).
_DY = np.array([-1, -1, 0, 1, 1, 1, 0, -1], dtype=np.int32)
_DX = np.array([0, 1, 1, 1, 0, -1, -1, -1], dtype=np.int32)


@dataclass(frozen=True)
class RawMinutiae:
    """Minutiae straight from the skeleton, before quality filtering."""

    x: F32
    y: F32
    angle: F32
    """ISO direction: radians in [0, 2*pi), anticlockwise with y up."""
    kind: U8
    false: Mask
    """Flagged by skeleton tracing as a spur, bridge or short fragment."""


def detect(skeleton: U8, orientation: F32) -> RawMinutiae:
    """Find ridge endings and bifurcations by the crossing number and trace their ridges.

    Each minutia's ridges are followed for ``TRACE_LENGTH`` steps; the traced vectors give the
    sign of the direction, the orientation field its precise angle. Endings whose ridge meets
    another minutia within ``SPUR_LENGTH`` steps (fragments, spurs) and bifurcations joined by a
    short branch (bridges) are flagged as false.

    References
    ----------
    .. [1] D. Maltoni, D. Maio, A. K. Jain and S. Prabhakar, *Handbook of Fingerprint
       Recognition*, 2nd ed., Springer 2009, sections 3.7-3.8.
    .. [2] N. K. Ratha, S. Chen and A. K. Jain, "Adaptive flow orientation-based feature
       extraction in fingerprint images", Pattern Recognition 28(11), 1995.
    """
    padded = np.zeros((skeleton.shape[0] + 2, skeleton.shape[1] + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = skeleton
    ys, xs, kinds, vx, vy, false = _detect(padded, _DY, _DX, p.TRACE_LENGTH, p.SPUR_LENGTH)
    x = (xs - 1).astype(np.float32)
    y = (ys - 1).astype(np.float32)
    theta = orientation_at(orientation, x, y)
    # Pick the orientation's sign that agrees with the traced vector (image coordinates).
    dot = np.cos(theta) * vx + np.sin(theta) * vy
    direction = np.where(dot >= 0, theta, theta + np.pi)
    iso = np.mod(-direction, 2 * np.pi).astype(np.float32)
    return RawMinutiae(x=x, y=y, angle=iso, kind=kinds.astype(np.uint8), false=false)


@nb.njit(cache=True, nogil=True)
def _crossing(img: U8, y: int, x: int, dy: I32, dx: I32) -> int:  # pragma: no cover
    c = 0
    for k in range(8):
        a = img[y + dy[k], x + dx[k]]
        b = img[y + dy[(k + 1) % 8], x + dx[(k + 1) % 8]]
        if a == 0 and b == 1:
            c += 1
    return c


@nb.njit(cache=True, nogil=True)
def _trace(
    img: U8,
    cn: I32,
    stamp: I32,
    sid: int,
    y0: int,
    x0: int,
    y: int,
    x: int,
    dy: I32,
    dx: I32,
    length: int,
) -> tuple[int, int, int, int]:  # pragma: no cover
    """Follow a ridge from (y, x), coming from (y0, x0); return end point, steps, hit flag."""
    h, w = img.shape
    stamp[y0, x0] = sid
    steps = 1
    while steps < length:
        stamp[y, x] = sid
        if cn[y, x] != 2:
            return y, x, steps, 1
        ny = -1
        nx = -1
        # Prefer 4-neighbours so that staircase corners are not skipped into loops.
        for k in (0, 2, 4, 6, 1, 3, 5, 7):
            yy = y + dy[k]
            xx = x + dx[k]
            if yy <= 0 or xx <= 0 or yy >= h - 1 or xx >= w - 1:
                continue
            if img[yy, xx] and stamp[yy, xx] != sid:
                ny = yy
                nx = xx
                break
        if ny < 0:
            return y, x, steps, 0
        y = ny
        x = nx
        steps += 1
    return y, x, steps, 0


@nb.njit(cache=True, nogil=True)
def _detect(
    img: U8, dy: I32, dx: I32, length: int, spur: int
) -> tuple[I32, I32, I32, F32, F32, Mask]:  # pragma: no cover
    h, w = img.shape
    cn = np.zeros((h, w), dtype=np.int32)
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            if img[y, x]:
                cn[y, x] = _crossing(img, y, x, dy, dx)
    stamp = np.zeros((h, w), dtype=np.int32)
    cap = 4096
    ys = np.empty(cap, dtype=np.int32)
    xs = np.empty(cap, dtype=np.int32)
    kinds = np.empty(cap, dtype=np.int32)
    vx = np.zeros(cap, dtype=np.float32)
    vy = np.zeros(cap, dtype=np.float32)
    false = np.zeros(cap, dtype=np.bool_)
    n = 0
    sid = 0
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            c = cn[y, x]
            if not img[y, x] or (c != 1 and c != 3) or n >= cap:
                continue
            ys[n] = y
            xs[n] = x
            kinds[n] = 1 if c == 1 else 2
            sx = 0.0
            sy = 0.0
            for k in range(8):
                a = img[y + dy[k], x + dx[k]]
                b = img[y + dy[(k + 1) % 8], x + dx[(k + 1) % 8]]
                if a == 0 and b == 1:
                    sid += 1
                    # Neighbouring pixels of the other branches must not be walked into.
                    for j in range(8):
                        stamp[y + dy[j], x + dx[j]] = sid
                    by = y + dy[(k + 1) % 8]
                    bx = x + dx[(k + 1) % 8]
                    ey, ex, steps, hit = _trace(img, cn, stamp, sid, y, x, by, bx, dy, dx, length)
                    d = np.sqrt(float((ex - x) ** 2 + (ey - y) ** 2)) + 1e-6
                    sx += (ex - x) / d
                    sy += (ey - y) / d
                    if hit and steps <= spur:
                        false[n] = True
            vx[n] = sx
            vy[n] = sy
            n += 1
    return ys[:n], xs[:n], kinds[:n], vx[:n], vy[:n], false[:n]


def _pair_filter(x: F32, y: F32, angle: F32, kind: U8) -> Mask:
    """Flag minutiae in tight clusters and broken-ridge ending pairs."""
    n = len(x)
    bad = np.zeros(n, dtype=bool)
    if n < 2:
        return bad
    dxm = x[:, None] - x[None, :]
    dym = y[:, None] - y[None, :]
    dist = np.hypot(dxm, dym)
    np.fill_diagonal(dist, np.inf)
    bad |= (dist < p.CLUSTER_DISTANCE).any(axis=1)
    # Two endings facing each other across a small gap are one broken ridge; only close
    # pairs of endings are examined.
    ends = kind == 1
    i, j = np.nonzero((dist < p.BREAK_DISTANCE) & ends[:, None] & ends[None, :])
    if not i.size:
        return bad
    da = np.abs(np.angle(np.exp(1j * (angle[i] - angle[j]))))
    # ... and the gap lies straight ahead of each ending (directions point into the ridges).
    ux = np.cos(angle[i])
    uy = -np.sin(angle[i])
    ahead = -(ux * -dxm[i, j] + uy * -dym[i, j]) / np.maximum(dist[i, j], 1e-6)
    facing = (da > np.pi - p.BREAK_ANGLE) & (ahead > np.cos(p.BREAK_AHEAD_ANGLE))
    bad[i[facing]] = True
    return bad


def select(raw: RawMinutiae, mask: Mask, coherence: F32) -> tuple[I32, npt.NDArray[np.uint8]]:
    """Remove false minutiae and score the rest.

    Drops flagged minutiae, minutiae near the foreground border, clusters and broken-ridge
    pairs, then keeps at most ``MAX_MINUTIAE`` by quality.

    Returns
    -------
    index
        Indices of the kept minutiae in `raw`.
    quality
        Their quality 0-100 (local orientation coherence, reduced near the border).
    """
    m8 = np.pad(mask.astype(np.uint8), 1)
    border = cv2.distanceTransform(m8, cv2.DIST_L2, 5)[1:-1, 1:-1]
    xi = np.clip(raw.x.astype(np.int64), 0, mask.shape[1] - 1)
    yi = np.clip(raw.y.astype(np.int64), 0, mask.shape[0] - 1)
    bdist = border[yi, xi]
    keep = ~raw.false & (bdist >= p.BORDER_DISTANCE)
    keep &= ~_pair_filter(raw.x, raw.y, raw.angle, raw.kind)
    idx = np.flatnonzero(keep)
    s = p.FIELD_SCALE
    coh = coherence[
        np.clip(yi[idx] // s, 0, coherence.shape[0] - 1),
        np.clip(xi[idx] // s, 0, coherence.shape[1] - 1),
    ]
    qual = coh * np.clip(bdist[idx] / p.BORDER_FULL_QUALITY, 0.0, 1.0)
    order = np.argsort(-qual, kind="stable")[: p.MAX_MINUTIAE]
    q = np.clip(np.round(qual[order] * 100), 1, 100).astype(np.uint8)
    return idx[order].astype(np.int32), q
