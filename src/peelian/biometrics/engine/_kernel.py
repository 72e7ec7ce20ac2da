"""Compiled comparison kernel: local similarities, alignment hypotheses, pairing, evidence.

Everything here works on preallocated buffers so that one probe can be compared with
millions of candidates without allocating.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
import numpy.typing as npt
from llvmlite import ir  # type: ignore[import-untyped]
from numba.core import cgutils, types
from numba.extending import intrinsic

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
U64 = npt.NDArray[np.uint64]

# Parameter vector layout (see _matcher.kernel_parameters).
P_SEEDS, P_DTOL, P_ATOL, P_OTOL, P_MINCOMMON, P_REACH, P_DREL, P_DMIN, P_EATOL = range(9)
P_MINOVER, P_SIMW, P_SEEDPROBE = 9, 10, 11
# Output vector layout.
O_PAIRS, O_SIM, O_CLOSE, O_AIN, O_BIN, O_ROT, O_TX, O_TY, O_CX, O_CY, O_EDGE, O_STRONG = range(12)
O_RAW, O_SEED = 12, 13
OUT_SIZE = 14


@intrinsic
def _ctpop(typingctx: Any, x: Any) -> Any:  # pragma: no cover - compile-time code generation
    """LLVM's population-count intrinsic (one POPCNT instruction on x86-64)."""
    sig = types.uint64(types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        fnty = ir.FunctionType(ir.IntType(64), [ir.IntType(64)])
        fn = cgutils.get_or_insert_function(  # type: ignore[no-untyped-call]
            builder.module, fnty, "llvm.ctpop.i64"
        )
        return builder.call(fn, args)

    return sig, codegen


@nb.njit(cache=True, nogil=True, inline="always")
def popcount(v: np.uint64) -> int:  # pragma: no cover - compiled
    """Number of set bits of a 64-bit word."""
    return int(_ctpop(v))  # type: ignore[call-arg]


@nb.njit(cache=True, nogil=True, inline="always")
def _adiff(a: float, b: float) -> float:  # pragma: no cover - compiled
    d = abs((a - b) % (2.0 * np.pi))
    return 2.0 * np.pi - d if d > np.pi else d


@nb.njit(cache=True, nogil=True, inline="always")
def masked_similarity(
    abits: U64, avalid: U64, i: int, bbits: U64, bvalid: U64, j: int, min_common: int
) -> float:  # pragma: no cover - compiled
    """MCC bit similarity of two cylinders over the cells valid in both (0 if too few)."""
    common = avalid[i] & bvalid[j]
    if popcount(common) < min_common:
        return 0.0
    pa = 0
    pb = 0
    px = 0
    for k in range(abits.shape[1]):
        ca = abits[i, k] & common
        cb = bbits[j, k] & common
        pa += popcount(ca)
        pb += popcount(cb)
        px += popcount(ca ^ cb)
    return 1.0 - px / (pa + pb) if pa + pb > 0 else 0.0


@nb.njit(cache=True, nogil=True, inline="always")
def _sim(
    lsm: F32, i: int, j: int, abits: U64, avalid: U64, bbits: U64, bvalid: U64, mc: int
) -> float:  # pragma: no cover - compiled
    """Local similarity of a pair, computed on first use and cached in `lsm` (-1 = unknown)."""
    v = lsm[i, j]
    if v < 0:
        v = np.float32(masked_similarity(abits, avalid, i, bbits, bvalid, j, mc))
        lsm[i, j] = v
    return float(v)


BUCKET = 8.0
"""Width, in pixels, of the x buckets that index a template's x-sorted minutiae."""


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
def seed_pairs(
    abits: U64,
    avalid: U64,
    arank: I32,
    na: int,
    bbits: U64,
    bvalid: U64,
    nb_: int,
    seeds: int,
    si: I32,
    sj: I32,
) -> int:  # pragma: no cover - compiled
    """The `seeds` most similar cylinder pairs, by whole-cylinder bit similarity.

    Only the first `na` probe minutiae in `arank` (best quality first) are considered.

    This first stage ignores cell validity (so it costs four XOR/POPCNT per pair, in a loop
    the compiler vectorises); the validity-masked similarity is computed later, only for
    pairs an alignment brings together.
    A cylinder whose valid-cell word is zero is unusable.
    """
    nd = abits.shape[1]
    top = np.zeros(seeds, dtype=np.float64)
    # Candidate words as planes (word, minutia) so the inner loop vectorises.
    planes = np.empty((nd, nb_), dtype=np.uint64)
    cb_all = np.zeros(nb_, dtype=np.float64)
    usable = np.zeros(nb_, dtype=np.bool_)
    for j in range(nb_):
        c = 0
        for k in range(nd):
            planes[k, j] = bbits[j, k]
            c += popcount(bbits[j, k])
        cb_all[j] = c
        usable[j] = bvalid[j] != 0 and c > 0
    sims = np.empty(nb_, dtype=np.float64)
    xs = np.empty(nb_, dtype=np.int64)
    count = 0
    for r in range(na):
        i = arank[r]
        if avalid[i] == 0:
            continue
        ca = 0
        for k in range(nd):
            ca += popcount(abits[i, k])
        for j in range(nb_):
            xs[j] = 0
        for k in range(nd):
            w = abits[i, k]
            for j in range(nb_):
                xs[j] += popcount(w ^ planes[k, j])
        for j in range(nb_):
            sims[j] = 1.0 - xs[j] / (ca + cb_all[j] + 1e-9)
        floor = top[count - 1] if count == seeds else 0.0
        for j in range(nb_):
            sim = sims[j]
            if sim <= floor or not usable[j]:
                continue
            pos = count if count < seeds else seeds - 1
            while pos > 0 and top[pos - 1] < sim:
                if pos < seeds:
                    top[pos] = top[pos - 1]
                    si[pos] = si[pos - 1]
                    sj[pos] = sj[pos - 1]
                pos -= 1
            top[pos] = sim
            si[pos] = i
            sj[pos] = j
            if count < seeds:
                count += 1
            floor = top[count - 1] if count == seeds else 0.0
    return count


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

    Like :func:`_pairing` without resolving double claims or counting the common area; used
    only to rank hypotheses.
    """
    dtol = prm[P_DTOL]
    atol = prm[P_ATOL]
    mc = int(prm[P_MINCOMMON])
    dtol2 = dtol * dtol
    two_pi = 2.0 * np.pi
    cr = np.cos(rot)
    sr = np.sin(rot)
    total = 0.0
    for i in range(na):
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


@nb.njit(cache=True, nogil=True)
def compare_core(
    ax: F32,
    ay: F32,
    aa: F32,
    abits: U64,
    avalid: U64,
    arank: I32,
    na: int,
    bx: F32,
    by: F32,
    ba: F32,
    bbits: U64,
    bvalid: U64,
    nb_: int,
    prm: F64,
    lsm: F32,
    si: I32,
    sj: I32,
    best_j: I32,
    best_w: F32,
    owner: I32,
    b_in: npt.NDArray[np.bool_],
    work: I32,
    pairs: I32,
    out: F64,
) -> float:  # pragma: no cover - compiled
    """Compare two prepared templates and return the raw (uncalibrated) score.

    Steps: local (cylinder) similarity of all minutia pairs; the best pairs seed rigid
    alignments; the best alignment is refitted by least squares over its pairs; the final
    pairs are checked edge by edge. The raw score is the squared evidence normalised by the
    number of minutiae in the common area of each print. `out` receives the details
    (layout ``O_*``), `pairs` the paired indices.
    """
    for t in range(out.shape[0]):
        out[t] = 0.0
    if na == 0 or nb_ == 0:
        return 0.0
    for i in range(na):
        for j in range(nb_):
            lsm[i, j] = -1.0
    xstart = x_index(bx, nb_)
    seeds = seed_pairs(
        abits,
        avalid,
        arank,
        min(na, int(prm[P_SEEDPROBE])),
        bbits,
        bvalid,
        nb_,
        int(prm[P_SEEDS]),
        si,
        sj,
    )
    best = -1.0
    brot = 0.0
    btx = 0.0
    bty = 0.0
    bcx = 0.0
    bcy = 0.0
    for t in range(seeds):
        i = si[t]
        j = sj[t]
        rot = ba[j] - aa[i]
        if rot >= np.pi:
            rot -= 2.0 * np.pi
        elif rot < -np.pi:
            rot += 2.0 * np.pi
        ev = _seed_evidence(
            ax,
            ay,
            aa,
            na,
            bx,
            by,
            ba,
            nb_,
            xstart,
            lsm,
            abits,
            avalid,
            bbits,
            bvalid,
            rot,
            bx[j],
            by[j],
            ax[i],
            ay[i],
            prm,
        )
        if ev > best:
            best = ev
            brot = rot
            btx = bx[j]
            bty = by[j]
            bcx = ax[i]
            bcy = ay[i]
    if best < 0:
        return 0.0
    k, s, g, ain, bin_ = _pairing(
        ax,
        ay,
        aa,
        na,
        bx,
        by,
        ba,
        nb_,
        xstart,
        lsm,
        abits,
        avalid,
        bbits,
        bvalid,
        brot,
        btx,
        bty,
        bcx,
        bcy,
        prm,
        best_j,
        best_w,
        owner,
        b_in,
        pairs,
    )
    if k >= 3:
        rot, tx, ty, cx, cy = _refit(ax, ay, bx, by, pairs, k)
        k2, s2, g2, ain2, bin2 = _pairing(
            ax,
            ay,
            aa,
            na,
            bx,
            by,
            ba,
            nb_,
            xstart,
            lsm,
            abits,
            avalid,
            bbits,
            bvalid,
            rot,
            tx,
            ty,
            cx,
            cy,
            prm,
            best_j,
            best_w,
            owner,
            b_in,
            work,
        )
        if s2 + g2 >= s + g:
            for t in range(k2):
                pairs[0, t] = work[0, t]
                pairs[1, t] = work[1, t]
            k, s, g, ain, bin_ = k2, s2, g2, ain2, bin2
            brot, btx, bty, bcx, bcy = rot, tx, ty, cx, cy
    edge, strong = consistency(ax, ay, aa, bx, by, ba, pairs, k, prm)
    evidence = edge + prm[P_SIMW] * (s + g)
    floor = prm[P_MINOVER]
    raw = evidence * evidence / (max(float(ain), floor) * max(float(bin_), floor))
    out[O_PAIRS] = k
    out[O_SIM] = s
    out[O_CLOSE] = g
    out[O_AIN] = ain
    out[O_BIN] = bin_
    out[O_ROT] = brot
    out[O_TX] = btx
    out[O_TY] = bty
    out[O_CX] = bcx
    out[O_CY] = bcy
    out[O_EDGE] = edge
    out[O_STRONG] = strong
    out[O_RAW] = raw
    out[O_SEED] = best
    return float(raw)
