"""Ground-truth minutiae of a master print: binarise, thin, and read the skeleton."""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from ..template import MinutiaKind, Template
from . import parameters as p
from ._skeleton import crossing_numbers, neighbours, thin, trace

__all__ = ["skeleton_minutiae"]


def _interior(mask: npt.NDArray[np.bool_], margin: float) -> npt.NDArray[np.bool_]:
    """Pixels at least ``margin`` inside the mask; the canvas edge counts as outside."""
    padded = np.pad(mask.astype(np.uint8), 1)
    dist = cv2.distanceTransform(padded, cv2.DIST_L2, 5)[1:-1, 1:-1]
    return np.asarray(dist >= margin)


def _branches(skel: npt.NDArray[np.uint8], y: int, x: int) -> list[tuple[int, int]]:
    """One starting pixel per branch leaving ``(y, x)``, preferring 4-connected steps.

    Branches are the runs of skeleton pixels around the 8-neighbour ring, so a pixel with
    crossing number 3 has three, whether or not its runs touch diagonally.
    """
    h, w = skel.shape
    ring = [
        (y + dy, x + dx)
        for dy, dx in ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))
    ]
    on = [0 <= q[0] < h and 0 <= q[1] < w and bool(skel[q]) for q in ring]
    if all(on) or not any(on):
        return []
    first_off = on.index(False)
    runs: list[list[tuple[int, int]]] = []
    for k in range(first_off, first_off + 8):
        if on[k % 8]:
            if not on[(k - 1) % 8]:
                runs.append([])
            runs[-1].append(ring[k % 8])
    return [min(r, key=lambda q: abs(q[0] - y) + abs(q[1] - x)) for r in runs]


def _direction(y: int, x: int, ty: int, tx: int) -> float:
    """Template angle (anticlockwise, y up) of the vector from (y, x) to (ty, tx)."""
    return math.atan2(-(ty - y), tx - x) % (2 * math.pi)


def _ending(
    skel: npt.NDArray[np.uint8], y: int, x: int
) -> tuple[float | None, tuple[int, int] | None]:
    """Direction of a ridge ending (into its ridge), and the fork a spur ends at if any.

    The direction is None for a spur (a short branch off another ridge, whose fork is then
    returned so it can be dropped too) or a tiny fragment.
    """
    starts = _branches(skel, y, x)
    if len(starts) != 1:
        return None, None
    ty, tx, steps = trace(skel, starts[0], [(y, x)], p.MINUTIA_TRACE_LENGTH)
    if abs(steps) < p.MINUTIA_MIN_BRANCH:
        return None, ((ty, tx) if steps < 0 else None)
    return _direction(y, x, ty, tx), None


def _bifurcation(skel: npt.NDArray[np.uint8], y: int, x: int) -> float | None:
    """Direction of a bifurcation (along the valley its two branches enclose), or None."""
    starts = _branches(skel, y, x)
    if len(starts) != 3:
        return None
    visited = [(y, x), *neighbours(skel, y, x)]
    angles = []
    for start in starts:
        ty, tx, steps = trace(skel, start, visited, p.MINUTIA_TRACE_LENGTH)
        if 0 < steps < p.MINUTIA_MIN_BRANCH:
            return None  # a short spur, not a real fork
        angles.append(_direction(y, x, ty, tx))
    best = None
    for i in range(3):
        for j in range(i + 1, 3):
            gap = (angles[j] - angles[i]) % (2 * math.pi)
            # Bisect the smaller arc between the two branches.
            origin = angles[i] if gap <= math.pi else angles[j]
            gap = min(gap, 2 * math.pi - gap)
            if best is None or gap < best[0]:
                best = (gap, (origin + gap / 2) % (2 * math.pi))
    assert best is not None
    return best[1]


def skeleton_minutiae(ridges: npt.NDArray[np.float32], mask: npt.NDArray[np.bool_]) -> Template:
    """Ridge endings and bifurcations of a ridge pattern, as a template.

    The pattern is binarised at 0 (ridges positive), thinned (Zhang-Suen), and each skeleton
    pixel with crossing number 1 or 3 at least ``MINUTIA_BORDER_MARGIN`` inside ``mask`` is a
    candidate. Endings on branches shorter than ``MINUTIA_MIN_BRANCH`` and forks with such a
    branch are spurs and are dropped. Directions follow :class:`Template`: an ending points
    into its ridge; a bifurcation points along the valley between its two closest branches.

    Parameters
    ----------
    ridges
        Ridge pattern in [-1, 1], positive on ridges.
    mask
        Fingerprint area.

    Returns
    -------
    Template
        Minutiae with quality 100, image quality 100, finger position 0 (unknown).

    References
    ----------
    .. [1] D. Maltoni et al., "Handbook of Fingerprint Recognition", 2nd ed., 2009, 3.7.
    .. [2] ISO/IEC 19794-2:2005, section 7.4 (minutia direction).
    """
    skel = np.ascontiguousarray(thin(ridges > 0), dtype=np.uint8)
    cn = crossing_numbers(skel.astype(bool))
    inside = _interior(mask, p.MINUTIA_BORDER_MARGIN)
    found: list[tuple[float, float, float, int]] = []
    spur_forks: list[tuple[int, int]] = []
    for y, x in zip(*np.nonzero(cn == 1), strict=True):
        angle, fork = _ending(skel, int(y), int(x))
        if fork is not None:
            spur_forks.append(fork)
        if angle is not None and inside[y, x]:
            found.append((float(x), float(y), angle, MinutiaKind.ENDING))
    for y, x in zip(*np.nonzero((cn == 3) & inside), strict=True):
        if any(abs(fy - y) <= 3 and abs(fx - x) <= 3 for fy, fx in spur_forks):
            continue  # where a spur leaves a ridge, which is not a real fork
        if any(abs(fx - x) <= 2 and abs(fy - y) <= 2 for fx, fy, _, k in found if k == 2):
            continue  # the same fork seen from an adjacent skeleton pixel
        angle = _bifurcation(skel, int(y), int(x))
        if angle is not None:
            found.append((float(x), float(y), angle, MinutiaKind.BIFURCATION))
    n = len(found)
    h, w = ridges.shape
    arr = np.array(found, dtype=np.float64).reshape(n, 4)
    return Template(
        width=w,
        height=h,
        x=arr[:, 0].astype(np.float32),
        y=arr[:, 1].astype(np.float32),
        angle=arr[:, 2].astype(np.float32),
        kind=arr[:, 3].astype(np.uint8),
        quality=np.full(n, 100, dtype=np.uint8),
        image_quality=100,
    )
