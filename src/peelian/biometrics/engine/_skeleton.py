"""Binarisation and thinning of the enhanced ridges."""

from __future__ import annotations

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
    _zhang_suen(padded)
    skel = padded[1:-1, 1:-1]
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(skel, connectivity=8)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < p.MIN_SKELETON_COMPONENT)
    small = small[small > 0]
    if small.size:
        skel = np.where(np.isin(labels, small), 0, skel).astype(np.uint8)
    return np.ascontiguousarray(skel)


@nb.njit(cache=True, nogil=True)
def _zhang_suen(img: U8) -> None:  # pragma: no cover - compiled
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
                p2 = img[y - 1, x]
                p3 = img[y - 1, x + 1]
                p4 = img[y, x + 1]
                p5 = img[y + 1, x + 1]
                p6 = img[y + 1, x]
                p7 = img[y + 1, x - 1]
                p8 = img[y, x - 1]
                p9 = img[y - 1, x - 1]
                b = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9
                if b < 2 or b > 6:
                    continue
                a = (
                    (p2 == 0 and p3 == 1)
                    + (p3 == 0 and p4 == 1)
                    + (p4 == 0 and p5 == 1)
                    + (p5 == 0 and p6 == 1)
                    + (p6 == 0 and p7 == 1)
                    + (p7 == 0 and p8 == 1)
                    + (p8 == 0 and p9 == 1)
                    + (p9 == 0 and p2 == 1)
                )
                if a != 1:
                    continue
                if step == 0:
                    if p2 * p4 * p6 != 0 or p4 * p6 * p8 != 0:
                        continue
                elif p2 * p4 * p8 != 0 or p2 * p6 * p8 != 0:
                    continue
                rem_y[k] = y
                rem_x[k] = x
                k += 1
            n = m
            for i in range(k):
                img[rem_y[i], rem_x[i]] = 0
            if k:
                changed = True
