"""Zhang-Suen thinning and skeleton tracing, compiled with numba."""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

__all__ = ["crossing_numbers", "neighbours", "thin", "trace"]

# Neighbours P2..P9 clockwise from north, as (dy, dx), the order Zhang and Suen use.
_DY = np.array([-1, -1, 0, 1, 1, 1, 0, -1], dtype=np.int64)
_DX = np.array([0, 1, 1, 1, 0, -1, -1, -1], dtype=np.int64)


@numba.njit(cache=True)
def _thin(image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:  # pragma: no cover - numba
    img = image.copy()
    h, w = img.shape
    changed = True
    marks = np.zeros((h * w, 2), dtype=np.int64)
    while changed:
        changed = False
        for sub in range(2):
            count = 0
            for y in range(1, h - 1):
                for x in range(1, w - 1):
                    if img[y, x] == 0:
                        continue
                    p = np.empty(8, dtype=np.uint8)
                    for k in range(8):
                        p[k] = img[y + _DY[k], x + _DX[k]]
                    b = 0
                    for k in range(8):
                        b += p[k]
                    if b < 2 or b > 6:
                        continue
                    a = 0
                    for k in range(8):
                        if p[k] == 0 and p[(k + 1) % 8] == 1:
                            a += 1
                    if a != 1:
                        continue
                    if sub == 0:
                        if p[0] * p[2] * p[4] != 0 or p[2] * p[4] * p[6] != 0:
                            continue
                    elif p[0] * p[2] * p[6] != 0 or p[0] * p[4] * p[6] != 0:
                        continue
                    marks[count, 0] = y
                    marks[count, 1] = x
                    count += 1
            for i in range(count):
                img[marks[i, 0], marks[i, 1]] = 0
            if count > 0:
                changed = True
    return img


def thin(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """One-pixel-wide skeleton of a binary image by Zhang-Suen thinning.

    Parameters
    ----------
    mask
        Binary image, true on the objects (ridges). Not modified; its one-pixel border is
        treated as background.

    Returns
    -------
    numpy.ndarray
        Boolean skeleton of the same shape.

    References
    ----------
    .. [1] T. Y. Zhang and C. Y. Suen, "A fast parallel algorithm for thinning digital
       patterns", Communications of the ACM 27(3):236-239, 1984.
    """
    img = np.ascontiguousarray(mask, dtype=np.uint8)
    img[0, :] = img[-1, :] = 0
    img[:, 0] = img[:, -1] = 0
    return _thin(img).astype(bool)


def crossing_numbers(skeleton: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Rutovitz crossing number of every skeleton pixel (0 off the skeleton).

    1 marks a ridge ending, 3 a bifurcation, 2 a ridge continuing.

    References
    ----------
    .. [1] D. Maltoni et al., "Handbook of Fingerprint Recognition", 2nd ed., 2009, 3.7.2.
    """
    s = np.pad(skeleton.astype(np.int64), 1)
    h, w = skeleton.shape
    ring = [s[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] for dy, dx in zip(_DY, _DX, strict=True)]
    cn = sum(np.abs(ring[k] - ring[(k + 1) % 8]) for k in range(8)) // 2
    return np.where(skeleton, cn, 0).astype(np.int64)


@numba.njit(cache=True)
def _seen(vy: npt.NDArray[np.int64], vx: npt.NDArray[np.int64], n: int, y: int, x: int) -> bool:
    found = False
    for i in range(n):  # pragma: no cover - numba
        found = found or (vy[i] == y and vx[i] == x)
    return found


@numba.njit(cache=True)
def _trace(
    skel: npt.NDArray[np.uint8],
    visited_y: npt.NDArray[np.int64],
    visited_x: npt.NDArray[np.int64],
    y: int,
    x: int,
    length: int,
) -> tuple[int, int, int]:  # pragma: no cover - numba
    h, w = skel.shape
    vy = np.empty(len(visited_y) + 3 * length + 8, dtype=np.int64)
    vx = np.empty_like(vy)
    nv = len(visited_y)
    vy[:nv] = visited_y
    vx[:nv] = visited_x
    vy[nv], vx[nv] = y, x
    nv += 1
    cy, cx = np.empty(8, dtype=np.int64), np.empty(8, dtype=np.int64)
    steps = 1
    while steps < length:
        n = 0
        for k in range(8):
            yy, xx = y + _DY[k], x + _DX[k]
            if 0 <= yy < h and 0 <= xx < w and skel[yy, xx] and not _seen(vy, vx, nv, yy, xx):
                cy[n], cx[n] = yy, xx
                n += 1
        if n == 0:
            return y, x, steps
        pick = 0
        if n > 1:
            # A clump of mutually adjacent candidates is a staircase corner, not a junction:
            # step diagonally through it and mark the rest as passed.
            for i in range(n):
                for j in range(n):
                    if max(abs(cy[i] - cy[j]), abs(cx[i] - cx[j])) > 1:
                        return y, x, -steps
            for i in range(n):
                if abs(cy[i] - y) + abs(cx[i] - x) == 2:
                    pick = i
            for i in range(n):
                vy[nv], vx[nv] = cy[i], cx[i]
                nv += 1
        else:
            vy[nv], vx[nv] = cy[0], cx[0]
            nv += 1
        y, x = cy[pick], cx[pick]
        steps += 1
    return y, x, steps


def trace(
    skeleton: npt.NDArray[np.uint8],
    start: tuple[int, int],
    visited: list[tuple[int, int]],
    length: int,
) -> tuple[int, int, int]:
    """Follow a skeleton branch from ``start`` for up to ``length`` pixels.

    Parameters
    ----------
    skeleton
        ``uint8`` skeleton (1 on the skeleton), C-contiguous.
    start
        ``(y, x)`` of the first pixel of the branch.
    visited
        Pixels the walk must not enter (the minutia itself and its other branches).
    length
        Maximum number of pixels to walk.

    Returns
    -------
    tuple of int
        ``(y, x, steps)`` where the walk stopped; ``steps`` is negative when it stopped at a
        junction, and equals ``length`` when it went the full distance.
    """
    vy = np.array([v[0] for v in visited], dtype=np.int64)
    vx = np.array([v[1] for v in visited], dtype=np.int64)
    result = _trace(skeleton, vy, vx, start[0], start[1], length)
    return int(result[0]), int(result[1]), int(result[2])


def neighbours(skeleton: npt.NDArray[np.uint8], y: int, x: int) -> list[tuple[int, int]]:
    """Skeleton pixels among the 8 neighbours of ``(y, x)``, clockwise from north."""
    h, w = skeleton.shape
    return [
        (y + int(dy), x + int(dx))
        for dy, dx in zip(_DY, _DX, strict=True)
        if 0 <= y + dy < h and 0 <= x + dx < w and skeleton[y + dy, x + dx]
    ]
