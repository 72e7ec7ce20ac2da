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
    P_HYPOTHESES,
    P_MINOVER,
    P_SEEDEVAL,
    P_SEEDPROBE,
    P_SEEDS,
    P_SIMW,
    _refit,
    _seed_rotation,
    best_matches,
    common_area,
    consistency,
    resolve_pairs,
    seed_consensus,
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
    seed: I32,
    seedf: F64,
    planes: U64,
    xs: I32,
    best_j: I32,
    best_w: F32,
    owner: I32,
    b_in: npt.NDArray[np.bool_],
    work: I32,
    pairs: I32,
    pairf: F64,
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
        seed[0],
        seed[1],
        seedf[0],
        planes,
        xs,
    )
    # A cheap vote among the seeds picks the hypotheses worth evaluating in full.
    seed_consensus(ax, ay, aa, bx, by, ba, seed[0], seed[1], seedf[0], seeds, prm, seedf[1])
    # Each hypothesis is scored by the best match of the probe's best minutiae; the matches
    # of the best one so far are kept in row `keep` of best_j/best_w.
    limit = min(na, int(prm[P_SEEDEVAL]))
    best = -1.0
    keep = 0
    brot = 0.0
    btx = 0.0
    bty = 0.0
    bcx = 0.0
    bcy = 0.0
    for _ in range(min(seeds, int(prm[P_HYPOTHESES]))):
        t = 0
        for u in range(1, seeds):
            if seedf[1, u] > seedf[1, t]:
                t = u
        seedf[1, t] = -1.0
        i = seed[0, t]
        j = seed[1, t]
        rot = _seed_rotation(aa, ba, i, j)
        row = 1 - keep if best >= 0 else keep
        ev = best_matches(
            ax, ay, aa, arank, limit, bx, by, ba, nb_, xstart, lsm, abits, avalid, bbits,
            bvalid, rot, bx[j], by[j], ax[i], ay[i], prm, best_j[row], best_w[row],
        )  # fmt: skip
        if ev > best:
            best = ev
            keep = row
            brot = rot
            btx = bx[j]
            bty = by[j]
            bcx = ax[i]
            bcy = ay[i]
    if best < 0:
        return 0.0
    if limit < na:
        best_matches(
            ax, ay, aa, arank, na, bx, by, ba, nb_, xstart, lsm, abits, avalid, bbits, bvalid,
            brot, btx, bty, bcx, bcy, prm, best_j[keep], best_w[keep],
        )  # fmt: skip
    k, s, g = resolve_pairs(best_j[keep], best_w[keep], na, nb_, lsm, owner, pairs)
    if k >= 3:
        # Refit the transform by least squares over the pairs and pair again.
        rot, tx, ty, cx, cy = _refit(ax, ay, bx, by, pairs, k)
        other = 1 - keep
        best_matches(
            ax, ay, aa, arank, na, bx, by, ba, nb_, xstart, lsm, abits, avalid, bbits, bvalid,
            rot, tx, ty, cx, cy, prm, best_j[other], best_w[other],
        )  # fmt: skip
        k2, s2, g2 = resolve_pairs(best_j[other], best_w[other], na, nb_, lsm, owner, work)
        if s2 + g2 >= s + g:
            for t in range(k2):
                pairs[0, t] = work[0, t]
                pairs[1, t] = work[1, t]
            k, s, g = k2, s2, g2
            brot, btx, bty, bcx, bcy = rot, tx, ty, cx, cy
    ain, bin_ = common_area(ax, ay, na, bx, by, nb_, xstart, brot, btx, bty, bcx, bcy, prm, b_in)
    edge, strong = consistency(ax, ay, aa, bx, by, ba, pairs, k, prm, work[0], work[1], pairf)
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
