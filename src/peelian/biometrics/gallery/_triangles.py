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

import math

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


@nb.njit(cache=True, nogil=True, inline="always")
def _log_keep(v: float, width: float, margin: float, sigma: float) -> float:
    """Log-probability that a probe value (``v`` plus noise of spread `sigma`) still yields
    the bin of `v`, given that the probe also looks up the neighbouring bin when within
    `margin` bins of an edge (one-sided approximation at the nearer edge)."""
    f = v / width - np.floor(v / width)  # pragma: no cover - compiled
    d = (min(f, 1.0 - f) + margin) * width / sigma
    return math.log(0.5 * (1.0 + math.erf(d / math.sqrt(2.0))))


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
    margin: float,
    side_sigma: float,
    angle_sigma: float,
) -> tuple[U64, I64, I64]:  # pragma: no cover - compiled
    """Codes, rotation bins and first vertices of the triangles of a template's best
    minutiae most likely to be looked up again by a probe of the same finger.

    Every triangle of the first `n_best` minutiae in `rank` order is scored by how far its
    six values lie from their bin edges (measured against their expected spread in another
    impression: `side_sigma` pixels, `angle_sigma` radians plus the side direction's own
    error); the `per_finger` best are kept, none sharing a minutia with more than
    `per_minutia` others, so that they spread over the finger.
    """
    m = min(n_best, rank.shape[0])
    cap = m * (m - 1) * (m - 2) // 6
    score = np.empty(max(cap, 1), dtype=np.float64)
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
                lp = _log_keep(s0, sbin, margin, side_sigma)
                lp += _log_keep(s1, sbin, margin, side_sigma)
                lp += _log_keep(s2, sbin, margin, side_sigma)
                # a vertex's relative direction also carries the error of its side's direction
                lp += _log_keep(t0, abin, margin, np.hypot(angle_sigma, side_sigma / s2))
                lp += _log_keep(t1, abin, margin, np.hypot(angle_sigma, side_sigma / s0))
                lp += _log_keep(t2, abin, margin, np.hypot(angle_sigma, side_sigma / s1))
                score[t] = -lp
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
    order = np.argsort(score[:t])
    used = np.zeros(x.shape[0], dtype=np.int64)
    out = np.empty(per_finger, dtype=np.uint64)
    out_rot = np.empty(per_finger, dtype=np.int64)
    out_vtx = np.empty(per_finger, dtype=np.int64)
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
        out_vtx[n] = tri[q, 0]
        n += 1
        if n == per_finger:
            break
    return out[:n], out_rot[:n], out_vtx[:n]


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
    vals: F64,
    sbin: float,
    na: int,
    margin: float,
    out: U64,
    phis: F64,
    vtx: I64,
    first: int,
    n: int,
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
                            vtx[n] = first
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
    vtx: I64,
    n: int,
) -> int:  # pragma: no cover - compiled
    """Append the codes of triangle (i, j, k) taken in this vertex order."""
    _, _, _, _, s0, s1, s2, t0, t1, t2, phi = _values(x, y, a, i, j, k)
    vals[0], vals[1], vals[2], vals[3], vals[4], vals[5] = s0, s1, s2, t0, t1, t2
    vals[6] = phi
    return _emit(vals, sbin, na, margin, out, phis, vtx, i, n)


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
) -> tuple[U64, F64, I64]:  # pragma: no cover - compiled
    """Codes of every triangle of a probe (with neighbouring bins near bin edges), the
    direction of each triangle's longest side and its first vertex."""
    m = x.shape[0]
    out = np.empty(limit, dtype=np.uint64)
    phis = np.empty(limit, dtype=np.float64)
    vtx = np.empty(limit, dtype=np.int64)
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
                n = _emit(vals, sbin, na, margin, out, phis, vtx, i, n)
                # near-ties of the longest side: also the other canonical start vertex
                if s0 - s1 < tie:  # side opposite j nearly as long: start at j
                    n = _emit_from(x, y, a, j, k, i, vals, sbin, na, margin, out, phis, vtx, n)
                if s0 - s2 < tie:
                    n = _emit_from(x, y, a, k, i, j, vals, sbin, na, margin, out, phis, vtx, n)
    return out[:n], phis[:n], vtx[:n]


@nb.njit(cache=True, nogil=True)
def salted(codes: U64, position: int) -> U64:  # pragma: no cover - compiled
    """Codes made specific to a finger position, so that a probe finger only meets
    gallery fingers of its own position in the table."""
    out = np.empty_like(codes)
    salt = np.uint64(position) * np.uint64(0xD6E8FEB86659FD93)
    for t in range(codes.shape[0]):
        out[t] = mix64(codes[t] ^ salt)
    return out
