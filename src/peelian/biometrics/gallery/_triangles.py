"""Minutia-triangle codes and the open-addressing table that votes on them (compiled).

A triangle of three minutiae is described without reference to position or rotation: its
vertices are taken anticlockwise starting opposite the longest side, and the code holds the
three side lengths and, at each vertex, the minutia direction relative to the side leaving
it, all quantised. Gallery fingers store a few small triangles of their best minutiae; a
probe looks up all its triangles (with neighbouring bins near bin edges) and each hit votes
for the gallery finger that stored it.

References
----------
.. [1] B. Bhanu and X. Tan, "Fingerprint indexing based on novel features of minutiae
   triplets", IEEE TPAMI 25(5), 2003.
.. [2] R. S. Germain, A. Califano and S. Colville, "Fingerprint matching using transformation
   parameter clustering", IEEE Computational Science and Engineering 4(4), 1997.
"""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

SLOT_BITS = 22
ROT_BITS = 5
CHECK_BITS = 32 - SLOT_BITS - ROT_BITS
"""A table entry (``uint32``) holds slot + 1, the rotation bin of the stored triangle's
longest side and a few check bits of its code."""
ROT_BINS = 1 << ROT_BITS
MAX_SLOTS = (1 << SLOT_BITS) - 2
"""Most fingers one table (one index or shard) can address."""


@nb.njit(cache=True, nogil=True, inline="always")
def mix64(v: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    """SplitMix64 finaliser: spreads a code over 64 bits."""
    v = (v ^ (v >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    v = (v ^ (v >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return v ^ (v >> np.uint64(31))


@nb.njit(cache=True, nogil=True)
def _shape(
    x: F32, y: F32, a: F32, i: int, j: int, k: int, smin: float, smax: float
) -> tuple[
    bool, int, int, int, float, float, float, float, float, float, float
]:  # pragma: no cover
    """Canonical vertex order and the six invariant values of triangle (i, j, k)."""
    # Make the order anticlockwise on screen (y grows downwards, so flip the cross product).
    cross = (x[j] - x[i]) * -(y[k] - y[i]) - -(y[j] - y[i]) * (x[k] - x[i])
    if cross == 0:
        return False, i, j, k, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    if cross < 0:
        j, k = k, j
    # side opposite vertex v is the one between the other two
    s_i = np.hypot(x[j] - x[k], y[j] - y[k])
    s_j = np.hypot(x[k] - x[i], y[k] - y[i])
    s_k = np.hypot(x[i] - x[j], y[i] - y[j])
    lo = min(s_i, min(s_j, s_k))
    hi = max(s_i, max(s_j, s_k))
    if lo < smin or hi > smax:
        return False, i, j, k, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    # start at the vertex opposite the longest side
    if s_j >= s_i and s_j >= s_k:
        i, j, k = j, k, i
    elif s_k >= s_i and s_k >= s_j:
        i, j, k = k, i, j
    return _values(x, y, a, i, j, k)


@nb.njit(cache=True, nogil=True)
def _values(
    x: F32, y: F32, a: F32, i: int, j: int, k: int
) -> tuple[
    bool, int, int, int, float, float, float, float, float, float, float
]:  # pragma: no cover
    two_pi = 2.0 * np.pi
    s0 = np.hypot(x[j] - x[k], y[j] - y[k])  # opposite i: the longest
    s1 = np.hypot(x[k] - x[i], y[k] - y[i])
    s2 = np.hypot(x[i] - x[j], y[i] - y[j])
    d_ij = np.arctan2(-(y[j] - y[i]), x[j] - x[i])
    d_jk = np.arctan2(-(y[k] - y[j]), x[k] - x[j])
    d_ki = np.arctan2(-(y[i] - y[k]), x[i] - x[k])
    t0 = (a[i] - d_ij) % two_pi
    t1 = (a[j] - d_jk) % two_pi
    t2 = (a[k] - d_ki) % two_pi
    return True, i, j, k, s0, s1, s2, t0, t1, t2, d_jk % two_pi


@nb.njit(cache=True, nogil=True, inline="always")
def _code(q0: int, q1: int, q2: int, r0: int, r1: int, r2: int, na: int) -> np.uint64:
    c = ((q0 * 32 + q1) * 32 + q2) * na  # pragma: no cover - compiled
    c = ((c + r0) * na + r1) * na + r2
    return mix64(np.uint64(c) + np.uint64(0x9E3779B97F4A7C15))


@nb.njit(cache=True, nogil=True)
def gallery_codes(
    x: F32,
    y: F32,
    a: F32,
    rank: I32,
    n_best: int,
    per_finger: int,
    per_minutia: int,
    smin: float,
    smax: float,
    sbin: float,
    na: int,
) -> tuple[U64, I64]:  # pragma: no cover - compiled
    """Codes and rotation bins of the small triangles of a template's best minutiae.

    At most `per_finger` triangles, smallest perimeter first, none sharing a minutia with
    more than `per_minutia` others; `rank` orders the minutiae by preference.
    """
    m = min(n_best, rank.shape[0])
    cap = m * (m - 1) * (m - 2) // 6
    per = np.empty(max(cap, 1), dtype=np.float64)
    tri = np.empty((max(cap, 1), 3), dtype=np.int64)
    codes = np.empty(max(cap, 1), dtype=np.uint64)
    rot = np.empty(max(cap, 1), dtype=np.int64)
    t = 0
    abin = 2.0 * np.pi / na
    for u in range(m):
        for v in range(u + 1, m):
            for w in range(v + 1, m):
                ok, i, j, k, s0, s1, s2, t0, t1, t2, phi = _shape(
                    x, y, a, rank[u], rank[v], rank[w], smin, smax
                )
                if not ok:
                    continue
                per[t] = s0 + s1 + s2
                rot[t] = int(phi / (2.0 * np.pi) * ROT_BINS) % ROT_BINS
                tri[t, 0], tri[t, 1], tri[t, 2] = i, j, k
                codes[t] = _code(
                    int(s0 / sbin),
                    int(s1 / sbin),
                    int(s2 / sbin),
                    int(t0 / abin) % na,
                    int(t1 / abin) % na,
                    int(t2 / abin) % na,
                    na,
                )
                t += 1
    order = np.argsort(per[:t])
    used = np.zeros(x.shape[0], dtype=np.int64)
    out = np.empty(per_finger, dtype=np.uint64)
    out_rot = np.empty(per_finger, dtype=np.int64)
    n = 0
    for r in range(t):
        q = order[r]
        if used[tri[q, 0]] >= per_minutia or used[tri[q, 1]] >= per_minutia:
            continue
        if used[tri[q, 2]] >= per_minutia:
            continue
        for c in range(3):
            used[tri[q, c]] += 1
        out[n] = codes[q]
        out_rot[n] = rot[q]
        n += 1
        if n == per_finger:
            break
    return out[:n], out_rot[:n]


@nb.njit(cache=True, nogil=True)
def _bins(v: float, width: float, margin: float, out: npt.NDArray[np.int64]) -> int:
    q = v / width  # pragma: no cover - compiled
    b = int(np.floor(q))
    f = q - b
    out[0] = b
    if f < margin:
        out[1] = b - 1
        return 2
    if f > 1.0 - margin:
        out[1] = b + 1
        return 2
    return 1


@nb.njit(cache=True, nogil=True)
def _emit(
    vals: F64, sbin: float, na: int, margin: float, out: U64, phis: F64, n: int
) -> int:  # pragma: no cover - compiled
    """Append the codes of every bin combination near a triangle's six values."""
    b = np.empty((6, 2), dtype=np.int64)
    c = np.empty(6, dtype=np.int64)
    abin = 2.0 * np.pi / na
    for d in range(3):
        c[d] = _bins(vals[d], sbin, margin, b[d])
    for d in range(3, 6):
        c[d] = _bins(vals[d], abin, margin, b[d])
    for i0 in range(c[0]):
        for i1 in range(c[1]):
            for i2 in range(c[2]):
                for i3 in range(c[3]):
                    for i4 in range(c[4]):
                        for i5 in range(c[5]):
                            if n >= out.shape[0]:
                                return n
                            q0, q1, q2 = b[0, i0], b[1, i1], b[2, i2]
                            if q0 < 0 or q1 < 0 or q2 < 0:
                                continue
                            out[n] = _code(
                                q0, q1, q2, b[3, i3] % na, b[4, i4] % na, b[5, i5] % na, na
                            )
                            phis[n] = vals[6]
                            n += 1
    return n


@nb.njit(cache=True, nogil=True)
def _emit_from(
    x: F32,
    y: F32,
    a: F32,
    i: int,
    j: int,
    k: int,
    vals: F64,
    sbin: float,
    na: int,
    margin: float,
    out: U64,
    phis: F64,
    n: int,
) -> int:  # pragma: no cover - compiled
    """Append the codes of triangle (i, j, k) taken in this vertex order."""
    _, _, _, _, s0, s1, s2, t0, t1, t2, phi = _values(x, y, a, i, j, k)
    vals[0], vals[1], vals[2], vals[3], vals[4], vals[5] = s0, s1, s2, t0, t1, t2
    vals[6] = phi
    return _emit(vals, sbin, na, margin, out, phis, n)


@nb.njit(cache=True, nogil=True)
def probe_codes(
    x: F32,
    y: F32,
    a: F32,
    smin: float,
    smax: float,
    sbin: float,
    na: int,
    margin: float,
    tie: float,
    limit: int,
) -> tuple[U64, F64]:  # pragma: no cover - compiled
    """Codes of every triangle of a probe (with neighbouring bins near bin edges), and the
    direction of each triangle's longest side."""
    m = x.shape[0]
    out = np.empty(limit, dtype=np.uint64)
    phis = np.empty(limit, dtype=np.float64)
    vals = np.empty(7, dtype=np.float64)
    n = 0
    for u in range(m):
        for v in range(u + 1, m):
            for w in range(v + 1, m):
                ok, i, j, k, s0, s1, s2, t0, t1, t2, phi = _shape(
                    x, y, a, u, v, w, smin - sbin * margin, smax + sbin * margin
                )
                if not ok:
                    continue
                vals[0], vals[1], vals[2] = s0, s1, s2
                vals[3], vals[4], vals[5] = t0, t1, t2
                vals[6] = phi
                n = _emit(vals, sbin, na, margin, out, phis, n)
                # near-ties of the longest side: also the other canonical start vertex
                if s0 - s1 < tie:  # side opposite j nearly as long: start at j
                    n = _emit_from(x, y, a, j, k, i, vals, sbin, na, margin, out, phis, n)
                if s0 - s2 < tie:
                    n = _emit_from(x, y, a, k, i, j, vals, sbin, na, margin, out, phis, n)
    return out[:n], phis[:n]


@nb.njit(cache=True, nogil=True)
def table_insert(table: U32, codes: U64, rot: I64, slot: int) -> None:  # pragma: no cover
    """Store `codes` (with rotation bins `rot`) for gallery `slot` by linear probing.

    The table must have room for them (the caller keeps its load below one).
    """
    size = np.uint64(table.shape[0])
    cmask = np.uint64((1 << CHECK_BITS) - 1)
    head = np.uint64(slot + 1) << np.uint64(ROT_BITS + CHECK_BITS)
    for t in range(codes.shape[0]):
        c = codes[t]
        pos = ((c >> np.uint64(32)) * size) >> np.uint64(32)
        entry = head | (np.uint64(rot[t]) << np.uint64(CHECK_BITS)) | (c & cmask)
        while table[pos] != 0:
            pos += np.uint64(1)
            if pos == size:
                pos = np.uint64(0)
        table[pos] = np.uint32(entry)


@nb.njit(cache=True, nogil=True)
def table_vote(table: U32, codes: U64, phis: F64, acc: npt.NDArray[np.uint8]) -> None:
    """Vote in ``acc[slot, rotation bin]`` for every stored triangle matching a probe code.

    The rotation bin is the difference between the stored and the probe triangle's longest
    side directions, so a genuine mate's votes pile up in one or two bins while chance
    matches spread over all of them (a Hough transform over rotation).
    """
    size = np.uint64(table.shape[0])  # pragma: no cover - compiled
    cmask = np.uint64((1 << CHECK_BITS) - 1)
    rmask = np.uint32(ROT_BINS - 1)
    nslots = acc.shape[0]
    for t in range(codes.shape[0]):
        c = codes[t]
        pr = int(phis[t] / (2.0 * np.pi) * ROT_BINS + 0.5)
        pos = ((c >> np.uint64(32)) * size) >> np.uint64(32)
        check = np.uint32(c & cmask)
        while True:
            e = table[pos]
            if e == 0:
                break
            if (e & np.uint32(cmask)) == check:
                s = int(e >> np.uint32(ROT_BITS + CHECK_BITS)) - 1
                r = int((e >> np.uint32(CHECK_BITS)) & rmask)
                b = (r - pr) % ROT_BINS
                if s < nslots and acc[s, b] < 255:
                    acc[s, b] += 1
            pos += np.uint64(1)
            if pos == size:
                pos = np.uint64(0)


@nb.njit(cache=True, nogil=True)
def best_votes(acc: npt.NDArray[np.uint8], out: npt.NDArray[np.int32]) -> None:
    """Per slot, the most votes in two neighbouring rotation bins (cyclic)."""
    nb_ = acc.shape[1]  # pragma: no cover - compiled
    for s in range(acc.shape[0]):
        best = 0
        for b in range(nb_):
            v = int(acc[s, b]) + int(acc[s, (b + 1) % nb_])
            if v > best:
                best = v
        out[s] = best
