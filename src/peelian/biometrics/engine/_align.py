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
def _pairing(
    ax: F32,
    ay: F32,
    aa: F32,
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
    owner: I32,
    b_in: npt.NDArray[np.bool_],
    pairs: I32,
) -> tuple[int, float, float, int, int]:  # pragma: no cover
    """Pair minutiae under the rigid transform p -> R(p - c) + t.

    Returns pair count, summed local similarity, summed closeness, and how many probe and
    candidate minutiae lie in the common area.
    """
    dtol = prm[P_DTOL]
    atol = prm[P_ATOL]
    mc = int(prm[P_MINCOMMON])
    otol2 = prm[P_OTOL] * prm[P_OTOL]
    dtol2 = dtol * dtol
    cr = np.cos(rot)
    sr = np.sin(rot)
    for j in range(nb_):
        b_in[j] = False
        owner[j] = -1
    a_in = 0
    for i in range(na):
        # Angles grow anticlockwise with y up, so in image space the sine changes sign.
        px = ax[i] - cx
        py = ay[i] - cy
        qx = px * cr + py * sr + tx
        qy = -px * sr + py * cr + ty
        qa = _wrap(aa[i] + rot)
        inside = False
        best_j[i] = -1
        best_w[i] = 0.0
        # Candidate minutiae are sorted by x: binary-search the start of the overlap window.
        xmin = qx - prm[P_OTOL]
        xmax = qx + prm[P_OTOL]
        for j in range(_window_start(xstart, bx, xmin), nb_):
            if bx[j] > xmax:
                break
            dx = bx[j] - qx
            dy = by[j] - qy
            d2 = dx * dx + dy * dy
            if d2 < otol2:
                inside = True
                b_in[j] = True
                if d2 < dtol2:
                    da = abs(ba[j] - qa)
                    if da > np.pi:
                        da = 2.0 * np.pi - da
                    if da < atol:
                        sim = _sim(lsm, i, j, abits, avalid, bbits, bvalid, mc)
                        w = (1.0 - np.sqrt(d2) / dtol) * (1.0 - da / atol) + sim
                        if w > best_w[i]:
                            best_w[i] = w
                            best_j[i] = j
        if inside:
            a_in += 1
    # A candidate minutia claimed twice goes to the better pair.
    for i in range(na):
        j = best_j[i]
        if j >= 0 and (owner[j] < 0 or best_w[i] > best_w[owner[j]]):
            owner[j] = i
    k = 0
    s = 0.0
    g = 0.0
    bcount = 0
    for j in range(nb_):
        if b_in[j]:
            bcount += 1
        i = owner[j]
        if i >= 0:
            pairs[0, k] = i
            pairs[1, k] = j
            k += 1
            s += lsm[i, j]
            g += best_w[i] - lsm[i, j]
    return k, s, g, a_in, bcount


@nb.njit(cache=True, nogil=True)
def _seed_evidence(
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
) -> float:  # pragma: no cover - compiled
    """Cheap evidence for an alignment hypothesis: best pair weight per probe minutia.

    Like :func:`_pairing` without resolving double claims or counting the common area, and
    over the probe's ``SEED_EVIDENCE_MINUTIAE`` best minutiae only; used to rank hypotheses.
    """
    dtol = prm[P_DTOL]
    atol = prm[P_ATOL]
    mc = int(prm[P_MINCOMMON])
    dtol2 = dtol * dtol
    two_pi = 2.0 * np.pi
    cr = np.cos(rot)
    sr = np.sin(rot)
    total = 0.0
    for r in range(min(na, int(prm[P_SEEDEVAL]))):
        i = arank[r]
        px = ax[i] - cx
        py = ay[i] - cy
        qx = px * cr + py * sr + tx
        qy = -px * sr + py * cr + ty
        qa = _wrap(aa[i] + rot)
        xmin = qx - dtol
        xmax = qx + dtol
        best = 0.0
        for j in range(_window_start(xstart, bx, xmin), nb_):
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
                if w > best:
                    best = w
        total += best
    return total


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
    ax: F32, ay: F32, aa: F32, bx: F32, by: F32, ba: F32, pairs: I32, k: int, prm: F64
) -> tuple[float, int]:  # pragma: no cover - compiled
    """Check paired minutiae against each other, edge by edge.

    An edge between two pairs is consistent when its length and its angles relative to both
    minutiae agree in the two prints; this tolerates the non-linear distortion a single rigid
    transform misses, yet is strict about chance coincidences. Returns the summed fraction
    of consistent edges per pair and the number of pairs with at least two consistent edges.
    """
    reach = prm[P_REACH]
    drel = prm[P_DREL]
    dmin = prm[P_DMIN]
    atol = prm[P_EATOL]
    total = 0.0
    strong = 0
    for t in range(k):
        i = pairs[0, t]
        j = pairs[1, t]
        near = 0
        good = 0
        for u in range(k):
            if u == t:
                continue
            i2 = pairs[0, u]
            j2 = pairs[1, u]
            dxa = ax[i2] - ax[i]
            dya = ay[i2] - ay[i]
            da = np.sqrt(dxa * dxa + dya * dya)
            if da > reach:
                continue
            near += 1
            dxb = bx[j2] - bx[j]
            dyb = by[j2] - by[j]
            db = np.sqrt(dxb * dxb + dyb * dyb)
            if abs(da - db) > max(dmin, drel * da):
                continue
            ea = np.arctan2(-dya, dxa)
            eb = np.arctan2(-dyb, dxb)
            if _adiff(ea - aa[i], eb - ba[j]) > atol or _adiff(ea - aa[i2], eb - ba[j2]) > atol:
                continue
            good += 1
        if near > 0:
            total += good / near
        if good >= 2:
            strong += 1
    return total, strong
