"""Compiled comparison kernel: local similarities, alignment hypotheses, pairing."""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
U64 = npt.NDArray[np.uint64]
U8 = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)


@nb.njit(cache=True, nogil=True, inline="always")
def popcount(v: np.uint64) -> int:  # pragma: no cover - compiled
    v = v - ((v >> np.uint64(1)) & _M1)
    v = (v & _M2) + ((v >> np.uint64(2)) & _M2)
    v = (v + (v >> np.uint64(4))) & _M4
    return int((v * _H01) >> np.uint64(56))


@nb.njit(cache=True, nogil=True)
def local_similarity(abits: U64, avalid: U64, ausable: Mask, na: int,
                     bbits: U64, bvalid: U64, busable: Mask, nb_: int,
                     min_common: int) -> npt.NDArray[np.float32]:  # pragma: no cover
    """MCC bit similarity of every probe/candidate cylinder pair (0 where not comparable)."""
    nd = abits.shape[1]
    lsm = np.zeros((na, nb_), dtype=np.float32)
    for i in range(na):
        if not ausable[i]:
            continue
        for j in range(nb_):
            if not busable[j]:
                continue
            common = avalid[i] & bvalid[j]
            if popcount(common) < min_common:
                continue
            pa = 0
            pb = 0
            px = 0
            for k in range(nd):
                ca = abits[i, k] & common
                cb = bbits[j, k] & common
                pa += popcount(ca)
                pb += popcount(cb)
                px += popcount(ca ^ cb)
            if pa + pb > 0:
                lsm[i, j] = 1.0 - px / (pa + pb)
    return lsm


@nb.njit(cache=True, nogil=True)
def _pairing(ax: F32, ay: F32, aa: F32, na: int, bx: F32, by: F32, ba: F32, nb_: int,
             lsm: npt.NDArray[np.float32], rot: float, tx: float, ty: float, cx: float,
             cy: float, dtol: float, atol: float, otol: float,
             pi_out: npt.NDArray[np.int32], pj_out: npt.NDArray[np.int32]
             ) -> tuple[int, float, float, int, int]:  # pragma: no cover
    """Pair minutiae under a rigid transform (probe point p -> R(p - c) + t).

    Returns pair count, summed local similarity, summed closeness, and how many probe and
    candidate minutiae lie in the common area.
    """
    cr = np.cos(rot)
    sr = np.sin(rot)
    two_pi = 2.0 * np.pi
    best_j = np.full(na, -1, dtype=np.int32)
    best_w = np.zeros(na, dtype=np.float32)
    b_in = np.zeros(nb_, dtype=np.bool_)
    a_in = 0
    for i in range(na):
        # Angles grow anticlockwise with y up, so image-space rotation flips the sine sign.
        px = ax[i] - cx
        py = ay[i] - cy
        qx = px * cr + py * sr + tx
        qy = -px * sr + py * cr + ty
        qa = aa[i] + rot
        inside = False
        for j in range(nb_):
            dx = bx[j] - qx
            dy = by[j] - qy
            d2 = dx * dx + dy * dy
            if d2 < otol * otol:
                inside = True
                b_in[j] = True
                if d2 < dtol * dtol:
                    da = abs((ba[j] - qa) % two_pi)
                    if da > np.pi:
                        da = two_pi - da
                    if da < atol:
                        w = (1.0 - np.sqrt(d2) / dtol) * (1.0 - da / atol) + lsm[i, j]
                        if w > best_w[i]:
                            best_w[i] = w
                            best_j[i] = j
        if inside:
            a_in += 1
    # Resolve candidates claimed twice in favour of the better pair.
    owner = np.full(nb_, -1, dtype=np.int32)
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
            pi_out[k] = i
            pj_out[k] = j
            k += 1
            s += lsm[i, j]
            g += best_w[i] - lsm[i, j]
    bcount = 0
    for j in range(nb_):
        if b_in[j]:
            bcount += 1
    return k, s, g, a_in, bcount


@nb.njit(cache=True, nogil=True)
def _refit(ax: F32, ay: F32, bx: F32, by: F32, pi_: npt.NDArray[np.int32],
           pj: npt.NDArray[np.int32], k: int) -> tuple[float, float, float, float, float]:
    """Least-squares rigid transform of paired points (rotation, centres)."""  # pragma: no cover
    max_ = 0.0
    may = 0.0
    mbx = 0.0
    mby = 0.0
    for t in range(k):
        max_ += ax[pi_[t]]
        may += ay[pi_[t]]
        mbx += bx[pj[t]]
        mby += by[pj[t]]
    max_ /= k
    may /= k
    mbx /= k
    mby /= k
    sxx = 0.0
    sxy = 0.0
    for t in range(k):
        px = ax[pi_[t]] - max_
        py = ay[pi_[t]] - may
        qx = bx[pj[t]] - mbx
        qy = by[pj[t]] - mby
        sxx += px * qx + py * qy
        sxy += py * qx - px * qy
    # Image-space rotation q = (p.x cos r + p.y sin r, -p.x sin r + p.y cos r).
    rot = np.arctan2(sxy, sxx)
    return rot, mbx, mby, max_, may


@nb.njit(cache=True, nogil=True)
def compare(ax: F32, ay: F32, aa: F32, abits: U64, avalid: U64, ausable: Mask, na: int,
            bx: F32, by: F32, ba: F32, bbits: U64, bvalid: U64, busable: Mask, nb_: int,
            params: npt.NDArray[np.float64], out: npt.NDArray[np.float64],
            pairs: npt.NDArray[np.int32]) -> int:  # pragma: no cover - compiled
    """Compare two prepared templates; write features to `out`, pairs to `pairs`.

    ``params`` = (seeds, pair distance, pair angle, overlap distance, min common cells).
    ``out`` receives (pairs, summed similarity, closeness, probe in common area, candidate in
    common area, rotation, tx, ty, cx, cy). Returns the number of pairs.
    """
    out[:] = 0.0
    if na == 0 or nb_ == 0:
        return 0
    seeds = int(params[0])
    dtol = params[1]
    atol = params[2]
    otol = params[3]
    lsm = local_similarity(abits, avalid, ausable, na, bbits, bvalid, busable, nb_,
                           int(params[4]))
    flat = lsm.ravel()
    nseed = min(seeds, flat.shape[0])
    order = np.argsort(-flat)[:nseed]
    pi_ = np.empty(na, dtype=np.int32)
    pj = np.empty(na, dtype=np.int32)
    best = -1.0
    brot = 0.0
    btx = 0.0
    bty = 0.0
    bcx = 0.0
    bcy = 0.0
    for t in range(nseed):
        f = order[t]
        if flat[f] <= 0.0:
            break
        i = f // nb_
        j = f % nb_
        rot = ba[j] - aa[i]
        k, s, g, ain, bin_ = _pairing(ax, ay, aa, na, bx, by, ba, nb_, lsm, rot, bx[j], by[j],
                                      ax[i], ay[i], dtol, atol, otol, pi_, pj)
        if s + g > best:
            best = s + g
            brot = rot
            btx = bx[j]
            bty = by[j]
            bcx = ax[i]
            bcy = ay[i]
    if best < 0:
        return 0
    k, s, g, ain, bin_ = _pairing(ax, ay, aa, na, bx, by, ba, nb_, lsm, brot, btx, bty, bcx,
                                  bcy, dtol, atol, otol, pi_, pj)
    if k >= 3:
        rot, tx, ty, cx, cy = _refit(ax, ay, bx, by, pi_, pj, k)
        # Keep the angle offset consistent with the minutiae directions.
        k2, s2, g2, ain2, bin2 = _pairing(ax, ay, aa, na, bx, by, ba, nb_, lsm, rot, tx, ty,
                                          cx, cy, dtol, atol, otol, pairs[0], pairs[1])
        if s2 + g2 >= s + g:
            out[0] = k2
            out[1] = s2
            out[2] = g2
            out[3] = ain2
            out[4] = bin2
            out[5] = rot
            out[6] = tx
            out[7] = ty
            out[8] = cx
            out[9] = cy
            return k2
    _pairing(ax, ay, aa, na, bx, by, ba, nb_, lsm, brot, btx, bty, bcx, bcy, dtol, atol, otol,
             pairs[0], pairs[1])
    out[0] = k
    out[1] = s
    out[2] = g
    out[3] = ain
    out[4] = bin_
    out[5] = brot
    out[6] = btx
    out[7] = bty
    out[8] = bcx
    out[9] = bcy
    return k
