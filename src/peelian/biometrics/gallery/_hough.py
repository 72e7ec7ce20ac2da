"""The triangle table and its two voting stages (compiled).

A table entry is a ``uint32`` (slot + 1, the rotation bin of the stored triangle's longest
side, check bits of its code) with a parallel ``uint8`` (the triangle's first vertex, that
is, which stored minutia it starts at, and two more check bits).

Stage 1 votes over rotation only, in a dense ``(slots, ROT_BINS)`` accumulator: cheap, and it
removes most chance hits. Stage 2 revisits the hits of the best stage-1 fingers and votes
over the full pose: each hit pairs a stored minutia with a probe minutia, which fixes a
rotation (their direction difference) and a translation; the fingers are ranked by their
largest set of hits that agree on one pose (a Hough transform over rotation and
translation), so a mate's few surviving triangles outweigh an impostor's scattered ones.

References
----------
.. [1] R. S. Germain, A. Califano and S. Colville, "Fingerprint matching using transformation
   parameter clustering", IEEE Computational Science and Engineering 4(4), 1997.
.. [2] D. H. Ballard, "Generalizing the Hough transform to detect arbitrary shapes", Pattern
   Recognition 13(2), 1981.
"""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

from ._triangles import CHECK_BITS, ROT_BINS, ROT_BITS

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

AUX_CHECK_SHIFT = 40
"""The parallel byte's two check bits are these bits of the code (unused elsewhere)."""


@nb.njit(cache=True, nogil=True, inline="always")
def _home(c: np.uint64, size: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    return ((c >> np.uint64(32)) * size) >> np.uint64(32)


@nb.njit(cache=True, nogil=True, inline="always")
def _aux_check(c: np.uint64) -> np.uint8:  # pragma: no cover - compiled
    return np.uint8((c >> np.uint64(AUX_CHECK_SHIFT)) & np.uint64(3))


@nb.njit(cache=True, nogil=True)
def table_insert(
    table: U32, aux: U8, codes: U64, rot: I64, vtx: I64, slot: int
) -> None:  # pragma: no cover - compiled
    """Store `codes` (rotation bins `rot`, first vertices `vtx`) for `slot` by linear
    probing. The table must have room for them (the caller keeps its load below one)."""
    size = np.uint64(table.shape[0])
    cmask = np.uint64((1 << CHECK_BITS) - 1)
    head = np.uint64(slot + 1) << np.uint64(ROT_BITS + CHECK_BITS)
    for t in range(codes.shape[0]):
        c = codes[t]
        pos = _home(c, size)
        entry = head | (np.uint64(rot[t]) << np.uint64(CHECK_BITS)) | (c & cmask)
        while table[pos] != 0:
            pos += np.uint64(1)
            if pos == size:
                pos = np.uint64(0)
        table[pos] = np.uint32(entry)
        aux[pos] = np.uint8(vtx[t] << 2) | _aux_check(c)


@nb.njit(cache=True, nogil=True)
def table_vote(
    table: U32,
    aux: U8,
    codes: U64,
    phis: F64,
    acc: U8,
    rec_s: I32,
    rec_t: I32,
    rec_b: U8,
    rec_v: U8,
) -> int:  # pragma: no cover - compiled
    """Stage 1: vote in ``acc[slot, rotation bin]`` for every stored triangle matching a
    probe code; the bin is the difference of the stored and probe longest-side directions.

    Each hit is also recorded, while the buffers last, as its slot, code index, rotation
    bin and stored vertex, so that stage 2 reads them in order instead of walking the
    table again; returns the number of hits (more than recorded when the buffers ran out).
    """
    size = np.uint64(table.shape[0])
    cmask = np.uint64((1 << CHECK_BITS) - 1)
    rmask = np.uint32(ROT_BINS - 1)
    nslots = acc.shape[0]
    room = rec_s.shape[0]
    n = 0
    for t in range(codes.shape[0]):
        c = codes[t]
        pr = int(phis[t] / (2.0 * np.pi) * ROT_BINS + 0.5)
        pos = _home(c, size)
        check = np.uint32(c & cmask)
        check2 = _aux_check(c)
        while True:
            e = table[pos]
            if e == 0:
                break
            if (e & np.uint32(cmask)) == check and (aux[pos] & np.uint8(3)) == check2:
                s = int(e >> np.uint32(ROT_BITS + CHECK_BITS)) - 1
                r = int((e >> np.uint32(CHECK_BITS)) & rmask)
                b = (r - pr) % ROT_BINS
                if s < nslots:
                    if acc[s, b] < 255:
                        acc[s, b] += 1
                    if n < room:
                        rec_s[n] = s
                        rec_t[n] = t
                        rec_b[n] = np.uint8(b)
                        rec_v[n] = aux[pos] >> np.uint8(2)
                    n += 1
            pos += np.uint64(1)
            if pos == size:
                pos = np.uint64(0)
    return n


@nb.njit(cache=True, nogil=True)
def best_votes(acc: U8, out: I32, at: I32) -> None:  # pragma: no cover - compiled
    """Per slot, the most votes in two neighbouring rotation bins (cyclic) and the first of
    those bins."""
    nb_ = acc.shape[1]
    for s in range(acc.shape[0]):
        best = 0
        where = 0
        for b in range(nb_):
            v = int(acc[s, b]) + int(acc[s, (b + 1) % nb_])
            if v > best:
                best = v
                where = b
        out[s] = best
        at[s] = where


@nb.njit(cache=True, nogil=True)
def collect_hits(
    table: U32,
    aux: U8,
    codes: U64,
    phis: F64,
    pvtx: I64,
    chosen: I32,
    rot_at: I32,
    out: I64,
) -> int:  # pragma: no cover - compiled
    """Stage 2 input: the hits on chosen slots (``chosen[slot] >= 0``) whose rotation bin
    is near that slot's best pair, as rows ``(chosen index, stored vertex, probe vertex,
    table position)`` of `out`; returns how many (at most ``len(out)``)."""
    size = np.uint64(table.shape[0])
    cmask = np.uint64((1 << CHECK_BITS) - 1)
    rmask = np.uint32(ROT_BINS - 1)
    nslots = chosen.shape[0]
    n = 0
    for t in range(codes.shape[0]):
        c = codes[t]
        pr = int(phis[t] / (2.0 * np.pi) * ROT_BINS + 0.5)
        pos = _home(c, size)
        check = np.uint32(c & cmask)
        check2 = _aux_check(c)
        while True:
            e = table[pos]
            if e == 0:
                break
            if (e & np.uint32(cmask)) == check and (aux[pos] & np.uint8(3)) == check2:
                s = int(e >> np.uint32(ROT_BITS + CHECK_BITS)) - 1
                if s < nslots and chosen[s] >= 0 and n < out.shape[0]:
                    r = int((e >> np.uint32(CHECK_BITS)) & rmask)
                    b = (r - pr - rot_at[s] + 1) % ROT_BINS  # best pair is bins 1, 2 here
                    if b <= 3:
                        out[n, 0] = chosen[s]
                        out[n, 1] = int(aux[pos] >> np.uint8(2))
                        out[n, 2] = pvtx[t]
                        out[n, 3] = np.int64(pos)
                        n += 1
            pos += np.uint64(1)
            if pos == size:
                pos = np.uint64(0)
    return n


@nb.njit(cache=True, nogil=True)
def collect_recorded(
    rec_s: I32,
    rec_t: I32,
    rec_b: U8,
    rec_v: U8,
    pvtx: I64,
    chosen: I32,
    rot_at: I32,
    out: I64,
) -> int:  # pragma: no cover - compiled
    """:func:`collect_hits` from the hits :func:`table_vote` recorded (the same rows in
    the same order, with the code index in the last column)."""
    n = 0
    for h in range(rec_s.shape[0]):
        s = rec_s[h]
        if chosen[s] < 0 or n >= out.shape[0]:
            continue
        b = (int(rec_b[h]) - rot_at[s] + 1) % ROT_BINS  # best pair is bins 1, 2 here
        if b <= 3:
            out[n, 0] = chosen[s]
            out[n, 1] = int(rec_v[h])
            out[n, 2] = pvtx[rec_t[h]]
            out[n, 3] = rec_t[h]
            n += 1
    return n


@nb.njit(cache=True, nogil=True, inline="always")
def _popcount(v: np.uint64) -> int:  # pragma: no cover - compiled
    n = 0
    while v:
        v &= v - np.uint64(1)
        n += 1
    return n


@nb.njit(cache=True, nogil=True, inline="always")
def _unpack_xy(xy: U8, row: int, v: int) -> tuple[float, float]:  # pragma: no cover
    b0 = int(xy[row, v, 0])
    b1 = int(xy[row, v, 1])
    b2 = int(xy[row, v, 2])
    return float(b0 | ((b1 & 15) << 8)), float((b1 >> 4) | (b2 << 4))


@nb.njit(cache=True, nogil=True)
def pose_scores(
    hits: I64,
    rows: I64,
    xy: U8,
    angle: U8,
    px: F32,
    py: F32,
    pa: F32,
    rot_tol: float,
    shift_tol: float,
    out: I32,
    pose: F64,
) -> None:  # pragma: no cover - compiled
    """Stage 2: per chosen slot, the most distinct minutiae whose hits agree on one pose
    (rotation within `rot_tol`, translation within `shift_tol`), and that pose.

    ``pose[chosen index]`` receives the rotation and translation (``theta, tx, ty``) of
    the best-supported hit, which maps probe positions taken about their centroid onto the
    stored (offset) positions: ``gx = c dx + s dy + tx``, ``gy = -s dx + c dy + ty``.

    `hits` rows are ``(chosen index, stored vertex, probe vertex, table position)`` sorted
    by chosen index; ``rows[chosen index]`` is the store row; `xy` and `angle` are the
    store's packed positions and directions (positions are offset, which a translation
    absorbs). Probe positions are taken about their centroid, so that a rotation error moves
    translations as little as possible.
    """
    step = 2.0 * np.pi / 256.0
    two_pi = 2.0 * np.pi
    cx = px.mean() if px.shape[0] else 0.0
    cy = py.mean() if py.shape[0] else 0.0
    n = hits.shape[0]
    th = np.empty(n, dtype=np.float64)
    tx = np.empty(n, dtype=np.float64)
    ty = np.empty(n, dtype=np.float64)
    for h in range(n):
        row = rows[hits[h, 0]]
        gv = hits[h, 1]
        pv = hits[h, 2]
        gx, gy = _unpack_xy(xy, row, gv)
        t = (float(angle[row, gv]) * step - pa[pv]) % two_pi
        c, s = np.cos(t), np.sin(t)
        # ISO directions turn anticlockwise while image y grows downwards.
        dx, dy = px[pv] - cx, py[pv] - cy
        th[h] = t
        tx[h] = gx - (c * dx + s * dy)
        ty[h] = gy - (-s * dx + c * dy)
    lo = 0
    while lo < n:
        hi = lo
        while hi < n and hits[hi, 0] == hits[lo, 0]:
            hi += 1
        best = 0
        best_i = lo
        for i in range(lo, hi):
            # count the distinct stored and probe minutiae that support the pose: triangles
            # sharing a first vertex all give the same pose and are one piece of evidence
            gmask = np.uint64(0)
            pmask = np.uint64(0)
            for j in range(lo, hi):
                d = abs(th[i] - th[j])
                d = min(d, two_pi - d)
                if d > rot_tol:
                    continue
                if (tx[i] - tx[j]) ** 2 + (ty[i] - ty[j]) ** 2 > shift_tol * shift_tol:
                    continue
                gmask |= np.uint64(1) << np.uint64(hits[j, 1] & 63)
                pmask |= np.uint64(1) << np.uint64(hits[j, 2] & 63)
            agree = min(_popcount(gmask), _popcount(pmask))
            if agree > best:
                best = agree
                best_i = i
        out[hits[lo, 0]] = best
        pose[hits[lo, 0], 0] = th[best_i]
        pose[hits[lo, 0], 1] = tx[best_i]
        pose[hits[lo, 0], 2] = ty[best_i]
        lo = hi
