"""Compiled comparison kernel: local similarities, alignment hypotheses, pairing, evidence.

Everything here works on preallocated buffers so that one probe can be compared with
millions of candidates without allocating much.

Numba's on-disk cache (``cache=True``) only notices edits to the file that defines a compiled
function, not to the files of functions it calls: after editing ``_bits.py`` or
``_align.py``, delete the ``*.nbi``/``*.nbc`` files under ``__pycache__`` (installed packages
are unaffected, as they start without a cache).
"""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

from ._align import (
    P_MINOVER,
    P_SEEDPROBE,
    P_SEEDS,
    P_SIMW,
    _pairing,
    _refit,
    _seed_evidence,
    consistency,
    x_index,
)
from ._bits import seed_pairs

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
U64 = npt.NDArray[np.uint64]

# Output vector layout.
O_PAIRS, O_SIM, O_CLOSE, O_AIN, O_BIN, O_ROT, O_TX, O_TY, O_CX, O_CY, O_EDGE, O_STRONG = range(12)
O_RAW, O_SEED = 12, 13
OUT_SIZE = 14


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
            arank,
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
