"""Stage 3 of the candidate search: check each pose-voted finger's pose on all its minutiae.

The triangle votes see only the few triangles a gallery finger stores; once the pose vote
has found a finger's most likely rotation and translation, every stored minutia can take
part: the probe's minutiae are moved by that pose and paired one-to-one with stored minutiae
close in position and direction. The number of pairs separates a mate from a finger whose
triangles agreed by chance far better than the votes, and costs a few microseconds a finger,
against about a hundred for the engine's matcher.

References
----------
.. [1] N. K. Ratha, K. Karu, S. Chen and A. K. Jain, "A real-time matching system for large
   fingerprint databases", IEEE TPAMI 18(8), 1996 (alignment then pairing).
"""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]


@nb.njit(cache=True, nogil=True)
def pair_counts(
    rows: I64,
    pose: F64,
    count: U8,
    xy: U8,
    angle: U8,
    px: F32,
    py: F32,
    pa: F32,
    dist_tol: float,
    angle_tol: float,
    out: I32,
) -> None:  # pragma: no cover - compiled
    """Per candidate ``c`` (store row ``rows[c]``, pose ``pose[c]``), the probe minutiae
    that pair one-to-one with a stored minutia within `dist_tol` pixels and `angle_tol`
    radians once moved by the pose (greedy, nearest free stored minutia first).

    Poses are as :func:`._hough.pose_scores` gives them: about the probe's centroid, onto
    the stored positions (offset by ``_store.XY_OFFSET``, which the pose's translation absorbs).
    """
    two_pi = 2.0 * np.pi
    step = two_pi / 256.0
    n = px.shape[0]
    cx = px.mean() if n else 0.0
    cy = py.mean() if n else 0.0
    m = xy.shape[1]
    gx = np.empty(m, dtype=np.float64)
    gy = np.empty(m, dtype=np.float64)
    ga = np.empty(m, dtype=np.float64)
    d2max = dist_tol * dist_tol
    for c in range(rows.shape[0]):
        row = rows[c]
        k = int(count[row])
        for v in range(k):
            b0 = int(xy[row, v, 0])
            b1 = int(xy[row, v, 1])
            b2 = int(xy[row, v, 2])
            gx[v] = float(b0 | ((b1 & 15) << 8))
            gy[v] = float((b1 >> 4) | (b2 << 4))
            ga[v] = float(angle[row, v]) * step
        t, tx, ty = pose[c, 0], pose[c, 1], pose[c, 2]
        cs, sn = np.cos(t), np.sin(t)
        used = np.uint64(0)
        pairs = 0
        for u in range(n):
            dx, dy = px[u] - cx, py[u] - cy
            qx = cs * dx + sn * dy + tx
            qy = -sn * dx + cs * dy + ty
            qa = pa[u] + t
            best = np.int64(-1)
            best_d = d2max
            for v in range(k):
                if (used >> np.uint64(v & 63)) & np.uint64(1):
                    continue
                d2 = (gx[v] - qx) ** 2 + (gy[v] - qy) ** 2
                if d2 > best_d:
                    continue
                da = abs((ga[v] - qa) % two_pi)
                if min(da, two_pi - da) > angle_tol:
                    continue
                best = np.int64(v)
                best_d = d2
            if best >= 0:
                used |= np.uint64(1) << np.uint64(best & np.int64(63))
                pairs += 1
        out[c] = pairs
