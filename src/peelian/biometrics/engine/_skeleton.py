"""Binarisation and thinning of the enhanced ridges."""

from __future__ import annotations

import functools

import cv2
import numba as nb
import numpy as np
import numpy.typing as npt

from . import parameters as p

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]


def binarise(enhanced: F32, mask: Mask) -> U8:
    """Ridge pixels (1) are where the enhanced image is dark inside the foreground.

    The contextual filter removes the local mean, so the sign of its output separates ridges
    from valleys without a threshold (Hong, Wan & Jain 1998).
    """
    ridges = (enhanced < 0.0) & mask
    return ridges.astype(np.uint8)


def thin(binary: U8) -> U8:
    """Reduce ridges to one-pixel-wide 8-connected lines and drop small fragments.

    Parameters
    ----------
    binary
        Ridge image, 1 on ridges and 0 elsewhere.

    Returns
    -------
    numpy.ndarray
        Skeleton, 1 on ridge centre lines.

    References
    ----------
    .. [1] T. Y. Zhang and C. Y. Suen, "A fast parallel algorithm for thinning digital
       patterns", Communications of the ACM 27(3), 1984.
    """
    padded = np.zeros((binary.shape[0] + 2, binary.shape[1] + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = binary != 0
    _zhang_suen(padded, _deletable())
    skel = padded[1:-1, 1:-1]
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(skel, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= p.MIN_SKELETON_COMPONENT
    keep[0] = False
    return np.ascontiguousarray(keep[labels].astype(np.uint8))


@functools.cache
def _deletable() -> U8:
    """Zhang-Suen deletion rule of each sub-iteration for all 256 neighbourhoods.

    Bit ``k`` of the index is neighbour ``P(k+2)`` (P2 above, then clockwise to P9).
    """
    table = np.zeros((2, 256), dtype=np.uint8)
    for code in range(256):
        p2, p3, p4, p5, p6, p7, p8, p9 = ((code >> k) & 1 for k in range(8))
        ring = (p2, p3, p4, p5, p6, p7, p8, p9, p2)
        b = sum(ring[:8])
        a = sum(ring[k] == 0 and ring[k + 1] == 1 for k in range(8))
        if not 2 <= b <= 6 or a != 1:
            continue
        table[0, code] = p2 * p4 * p6 == 0 and p4 * p6 * p8 == 0
        table[1, code] = p2 * p4 * p8 == 0 and p2 * p6 * p8 == 0
    table.setflags(write=False)
    return table


@nb.njit(cache=True, nogil=True)
def _zhang_suen(img: U8, table: U8) -> None:  # pragma: no cover - compiled
    h, w = img.shape
    ys = np.empty(h * w, dtype=np.int32)
    xs = np.empty(h * w, dtype=np.int32)
    n = 0
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            if img[y, x]:
                ys[n] = y
                xs[n] = x
                n += 1
    rem_y = np.empty(n, dtype=np.int32)
    rem_x = np.empty(n, dtype=np.int32)
    changed = True
    while changed:
        changed = False
        for step in range(2):
            k = 0
            m = 0
            for i in range(n):
                y = ys[i]
                x = xs[i]
                if not img[y, x]:
                    continue
                ys[m] = y
                xs[m] = x
                m += 1
                code = (
                    img[y - 1, x]
                    | (img[y - 1, x + 1] << 1)
                    | (img[y, x + 1] << 2)
                    | (img[y + 1, x + 1] << 3)
                    | (img[y + 1, x] << 4)
                    | (img[y + 1, x - 1] << 5)
                    | (img[y, x - 1] << 6)
                    | (img[y - 1, x - 1] << 7)
                )
                if table[step, code]:
                    rem_y[k] = y
                    rem_x[k] = x
                    k += 1
            n = m
            for i in range(k):
                img[rem_y[i], rem_x[i]] = 0
            if k:
                changed = True
