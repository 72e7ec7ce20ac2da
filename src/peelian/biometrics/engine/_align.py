"""Alignment work of the matcher: pairing minutiae under a rigid transform, refitting it,
and checking the pairs against each other."""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._bits import _sim

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
U64 = npt.NDArray[np.uint64]

# Parameter vector layout (see _matcher.kernel_parameters).
P_SEEDS, P_DTOL, P_ATOL, P_OTOL, P_MINCOMMON, P_REACH, P_DREL, P_DMIN, P_EATOL = range(9)
P_MINOVER, P_SIMW, P_SEEDPROBE, P_SEEDEVAL = 9, 10, 11, 12
P_HYPOTHESES, P_CONS_ANGLE, P_CONS_REL, P_CONS_MIN = 13, 14, 15, 16


@nb.njit(cache=True, nogil=True, inline="always")
def _adiff(a: float, b: float) -> float:  # pragma: no cover - compiled
    d = abs((a - b) % (2.0 * np.pi))
    return 2.0 * np.pi - d if d > np.pi else d


BUCKET = p.X_BUCKET


@nb.njit(cache=True, nogil=True)
def x_index(bx: F32, nb_: int) -> I32:  # pragma: no cover - compiled
    """``start[b]``: first minutia with x >= x[0] + b * BUCKET (minutiae sorted by x)."""
    if nb_ == 0:
        return np.zeros(1, dtype=np.int32)
    nbuckets = int((bx[nb_ - 1] - bx[0]) / BUCKET) + 2
    start = np.empty(nbuckets, dtype=np.int32)
    j = 0
    for b in range(nbuckets):
        edge = bx[0] + b * BUCKET
        while j < nb_ and bx[j] < edge:
            j += 1
        start[b] = j
    return start


@nb.njit(cache=True, nogil=True, inline="always")
def _window_start(start: I32, bx: F32, xmin: float) -> int:  # pragma: no cover - compiled
    b = int(np.floor((xmin - bx[0]) / BUCKET))
    if b <= 0:
        return 0
    if b >= start.shape[0]:
        return int(start[start.shape[0] - 1])
    return int(start[b])


@nb.njit(cache=True, nogil=True, inline="always")
def _wrap(a: float) -> float:  # pragma: no cover - compiled
    """An angle in (-2 pi, 4 pi) brought into [0, 2 pi) without a division."""
    two_pi = 2.0 * np.pi
    if a >= two_pi:
        return a - two_pi
    if a < 0.0:
        return a + two_pi
    return a


@nb.njit(cache=True, nogil=True)
def best_matches(
    ax: F32,
    ay: F32,
    aa: F32,
    arank: I32,
    na: int,
    bx: F32,
    by: F32,
    ba: F32,
    nb_: int,
    xstart: I32,
    lsm: F32,
    abits: U64,
    avalid: U64,
    bbits: U64,
    bvalid: U64,
    rot: float,
    tx: float,
    ty: float,
    cx: float,
    cy: float,
    prm: F64,
    best_j: I32,
    best_w: F32,
) -> float:  # pragma: no cover - compiled
    """Best candidate minutia for each of the first `na` probe minutiae in `arank` order.

    Under the rigid transform p -> R(p - c) + t, a probe minutia may pair with a candidate
    minutia closer than ``PAIR_DISTANCE`` whose direction differs by less than
    ``PAIR_ANGLE``; the pair's weight is its closeness plus its local (cylinder) similarity.
    `best_j` and `best_w` receive the best candidate (-1 if none) and weight of each probe
    minutia; the summed weights, returned, are the evidence for the transform.
    """
    dtol = prm[P_DTOL]
    atol = prm[P_ATOL]
    mc = int(prm[P_MINCOMMON])
    dtol2 = dtol * dtol
    two_pi = 2.0 * np.pi
    cr = np.cos(rot)
    sr = np.sin(rot)
    total = 0.0
    for r in range(na):
        i = arank[r]
        # Angles grow anticlockwise with y up, so in image space the sine changes sign.
        px = ax[i] - cx
        py = ay[i] - cy
        qx = px * cr + py * sr + tx
        qy = -px * sr + py * cr + ty
        qa = _wrap(aa[i] + rot)
        bj = -1
        bw = 0.0
        # Candidate minutiae are sorted by x: look only at those within reach in x.
        xmax = qx + dtol
        for j in range(_window_start(xstart, bx, qx - dtol), nb_):
            if bx[j] > xmax:
                break
            dy = by[j] - qy
            if dy * dy >= dtol2:
                continue
            dx = bx[j] - qx
            d2 = dx * dx + dy * dy
            if d2 >= dtol2:
                continue
            da = abs(ba[j] - qa)
            if da > np.pi:
                da = two_pi - da
            if da < atol:
                sim = _sim(lsm, i, j, abits, avalid, bbits, bvalid, mc)
                w = (1.0 - np.sqrt(d2) / dtol) * (1.0 - da / atol) + sim
                if w > bw:
                    bw = w
                    bj = j
        best_j[i] = bj
        best_w[i] = bw
        total += bw
    return total


@nb.njit(cache=True, nogil=True)
def resolve_pairs(
    best_j: I32, best_w: F32, na: int, nb_: int, lsm: F32, owner: I32, pairs: I32
) -> tuple[int, float, float]:  # pragma: no cover - compiled
    """Turn each probe minutia's best match into one-to-one pairs.

    A candidate minutia claimed twice goes to the better pair. Returns the pair count, the
    summed local similarity and the summed closeness of the pairs written to `pairs`.
    """
    for j in range(nb_):
        owner[j] = -1
    for i in range(na):
        j = best_j[i]
        if j >= 0 and (owner[j] < 0 or best_w[i] > best_w[owner[j]]):
            owner[j] = i
    k = 0
    s = 0.0
    g = 0.0
    for j in range(nb_):
        i = owner[j]
        if i >= 0:
            pairs[0, k] = i
            pairs[1, k] = j
            k += 1
            s += lsm[i, j]
            g += best_w[i] - lsm[i, j]
    return k, s, g


@nb.njit(cache=True, nogil=True)
def common_area(
    ax: F32,
    ay: F32,
    na: int,
    bx: F32,
    by: F32,
    nb_: int,
    xstart: I32,
    rot: float,
    tx: float,
    ty: float,
    cx: float,
    cy: float,
    prm: F64,
    b_in: npt.NDArray[np.bool_],
) -> tuple[int, int]:  # pragma: no cover
    """How many probe and candidate minutiae lie in the common area under a transform.

    A minutia is in the common area when a minutia of the other print lies within
    ``OVERLAP_DISTANCE`` of it (after the transform p -> R(p - c) + t of the probe).
    """
    otol = prm[P_OTOL]
    otol2 = otol * otol
    cr = np.cos(rot)
    sr = np.sin(rot)
    for j in range(nb_):
        b_in[j] = False
    a_in = 0
    for i in range(na):
        px = ax[i] - cx
        py = ay[i] - cy
        qx = px * cr + py * sr + tx
        qy = -px * sr + py * cr + ty
        inside = False
        for j in range(_window_start(xstart, bx, qx - otol), nb_):
            if bx[j] > qx + otol:
                break
            dx = bx[j] - qx
            dy = by[j] - qy
            if dx * dx + dy * dy < otol2:
                inside = True
                b_in[j] = True
        if inside:
            a_in += 1
    b_count = 0
    for j in range(nb_):
        if b_in[j]:
            b_count += 1
    return a_in, b_count


@nb.njit(cache=True, nogil=True, inline="always")
def _seed_rotation(aa: F32, ba: F32, i: int, j: int) -> float:  # pragma: no cover - compiled
    """Rotation, in [-pi, pi), that turns probe minutia `i` onto candidate minutia `j`."""
    rot = float(ba[j] - aa[i])
    if rot >= np.pi:
        rot -= 2.0 * np.pi
    elif rot < -np.pi:
        rot += 2.0 * np.pi
    return rot


@nb.njit(cache=True, nogil=True)
def seed_consensus(
    ax: F32,
    ay: F32,
    aa: F32,
    bx: F32,
    by: F32,
    ba: F32,
    si: I32,
    sj: I32,
    sim: F64,
    count: int,
    prm: F64,
    cons: F64,
) -> None:  # pragma: no cover - compiled
    """Rank alignment hypotheses by how many other seed pairs agree with them (a Hough vote).

    Seed pair ``u`` supports hypothesis ``t`` when the two rotations agree and the rigid
    transform of ``t`` carries probe minutia ``si[u]`` near candidate minutia ``sj[u]``; the
    tolerance grows with the distance from the seed, because a rotation taken from one
    minutia's direction is uncertain by a few degrees. ``cons[t]`` is the summed similarity
    of the supporting seeds plus the seed's own. This costs a few multiplications per pair of
    seeds, so many seeds can be voted on and only the best few evaluated in full.

    References
    ----------
    .. [1] N. K. Ratha, K. Karu, S. Chen and A. K. Jain, "A real-time matching system for large
       fingerprint databases", IEEE TPAMI 18(8), 1996 (Hough-transform alignment).
    """
    atol = prm[P_CONS_ANGLE]
    rel2 = prm[P_CONS_REL] * prm[P_CONS_REL]
    dmin2 = prm[P_CONS_MIN] * prm[P_CONS_MIN]
    for t in range(count):
        i = si[t]
        j = sj[t]
        rot = _seed_rotation(aa, ba, i, j)
        cr = np.cos(rot)
        sr = np.sin(rot)
        c = sim[t]
        for u in range(count):
            i2 = si[u]
            j2 = sj[u]
            if i2 == i or j2 == j:
                continue
            dr = abs(_seed_rotation(aa, ba, i2, j2) - rot)
            if dr > np.pi:
                dr = 2.0 * np.pi - dr
            if dr > atol:
                continue
            px = ax[i2] - ax[i]
            py = ay[i2] - ay[i]
            dx = bx[j2] - bx[j] - (px * cr + py * sr)
            dy = by[j2] - by[j] - (-px * sr + py * cr)
            if dx * dx + dy * dy <= max(dmin2, rel2 * (px * px + py * py)):
                c += sim[u]
        cons[t] = c


@nb.njit(cache=True, nogil=True)
def _refit(
    ax: F32, ay: F32, bx: F32, by: F32, pairs: I32, k: int
) -> tuple[float, float, float, float, float]:  # pragma: no cover - compiled
    """Least-squares rigid transform of paired points: rotation and both centroids."""
    mxa = 0.0
    mya = 0.0
    mxb = 0.0
    myb = 0.0
    for t in range(k):
        mxa += ax[pairs[0, t]]
        mya += ay[pairs[0, t]]
        mxb += bx[pairs[1, t]]
        myb += by[pairs[1, t]]
    mxa /= k
    mya /= k
    mxb /= k
    myb /= k
    sxx = 0.0
    sxy = 0.0
    for t in range(k):
        px = ax[pairs[0, t]] - mxa
        py = ay[pairs[0, t]] - mya
        qx = bx[pairs[1, t]] - mxb
        qy = by[pairs[1, t]] - myb
        sxx += px * qx + py * qy
        sxy += py * qx - px * qy
    return np.arctan2(sxy, sxx), mxb, myb, mxa, mya


@nb.njit(cache=True, nogil=True)
def consistency(
    ax: F32,
    ay: F32,
    aa: F32,
    bx: F32,
    by: F32,
    ba: F32,
    pairs: I32,
    k: int,
    prm: F64,
    near: I32,
    good: I32,
    turn: F64,
) -> tuple[float, int]:  # pragma: no cover - compiled
    """Check paired minutiae against each other, edge by edge.

    An edge between two pairs is consistent when its length and its angles relative to both
    minutiae agree in the two prints; this tolerates the non-linear distortion a single rigid
    transform misses, yet is strict about chance coincidences. Returns the summed fraction
    of consistent edges per pair and the number of pairs with at least two consistent edges.

    The angle test needs no arctangent: the edge's direction relative to a minutia agrees in
    both prints exactly when the rotation from the probe's edge to the candidate's edge is
    within the tolerance of the rotation from the probe's minutia to the candidate's, which
    is a dot product of the edges with that rotation's cosine and sine. The test is the same
    seen from either end of an edge, so each edge is checked once. `near`, `good` and `turn`
    are scratch buffers of at least `k` (and ``(2, k)``) entries.
    """
    reach2 = prm[P_REACH] * prm[P_REACH]
    drel = prm[P_DREL]
    dmin = prm[P_DMIN]
    cos_tol = np.cos(prm[P_EATOL])
    for t in range(k):
        near[t] = 0
        good[t] = 0
        rot = ba[pairs[1, t]] - aa[pairs[0, t]]
        turn[0, t] = np.cos(rot)
        turn[1, t] = np.sin(rot)
    for t in range(k):
        i = pairs[0, t]
        j = pairs[1, t]
        for u in range(t + 1, k):
            i2 = pairs[0, u]
            j2 = pairs[1, u]
            dxa = ax[i2] - ax[i]
            dya = ay[i2] - ay[i]
            da2 = dxa * dxa + dya * dya
            if da2 > reach2:
                continue
            near[t] += 1
            near[u] += 1
            dxb = bx[j2] - bx[j]
            dyb = by[j2] - by[j]
            da = np.sqrt(da2)
            db = np.sqrt(dxb * dxb + dyb * dyb)
            if abs(da - db) > max(dmin, drel * da):
                continue
            # cos and sin of the rotation from edge a to edge b (angles grow with y up),
            # times both lengths.
            c = dxa * dxb + dya * dyb
            s = dxb * dya - dxa * dyb
            lim = cos_tol * da * db
            if c * turn[0, t] + s * turn[1, t] < lim or c * turn[0, u] + s * turn[1, u] < lim:
                continue
            good[t] += 1
            good[u] += 1
    total = 0.0
    strong = 0
    for t in range(k):
        if near[t] > 0:
            total += good[t] / near[t]
        if good[t] >= 2:
            strong += 1
    return total, strong
