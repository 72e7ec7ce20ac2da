"""Indexing many stored fingers at once in compiled code (bulk loads and table rebuilds)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numba as nb
import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._hough import table_insert
from ._store import XY_OFFSET, Store
from ._triangles import gallery_codes, salted

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]


BUILD_THREADS = 2
"""Threads computing triangle codes during bulk loads and rebuilds (compiled code runs
without the GIL; only the insertion into the table is serial)."""
CHUNK = 8192
"""Rows per code-computing task."""


def _params() -> npt.NDArray[np.float64]:
    return np.array(
        [
            p.INDEX_MINUTIAE,
            p.TRIANGLES_PER_FINGER,
            p.TRIANGLES_PER_MINUTIA,
            p.SIDE_MIN,
            p.SIDE_MAX,
            p.SIDE_BIN,
            p.ANGLE_BINS,
            p.SOFT_MARGIN,
            p.SIDE_SIGMA,
            p.ANGLE_SIGMA,
        ],
        dtype=np.float64,
    )


def index_rows(store: Store, rows: I64, table: U32, aux: U8) -> int:
    """Put the triangles of the stored fingers `rows` into the table; returns how many.

    Codes are computed on ``BUILD_THREADS`` threads, chunk by chunk, and inserted in row
    order, so the table's contents do not depend on the threads.
    """
    rows = np.asarray(rows, dtype=np.int64)
    prm = _params()

    def codes(chunk: I64) -> tuple[U64, I64, I64, I64]:
        return _row_codes(store.xy, store.angle, store.n_minutiae, store.finger, chunk, prm)

    chunks = [rows[s : s + CHUNK] for s in range(0, len(rows), CHUNK)]
    total = 0
    with ThreadPoolExecutor(max_workers=BUILD_THREADS) as pool:
        for c, r, v, slot in pool.map(codes, chunks):
            _insert_all(table, aux, c, r, v, slot)
            total += len(c)
    return total


@nb.njit(cache=True, nogil=True)
def _insert_all(
    table: U32, aux: U8, codes: U64, rot: I64, vtx: I64, slot: I64
) -> None:  # pragma: no cover - compiled
    """Insert computed codes, one run of equal rows at a time."""
    lo = 0
    n = codes.shape[0]
    while lo < n:
        hi = lo
        while hi < n and slot[hi] == slot[lo]:
            hi += 1
        table_insert(table, aux, codes[lo:hi], rot[lo:hi], vtx[lo:hi], slot[lo])
        lo = hi


@nb.njit(cache=True, nogil=True)
def _row_codes(
    xy: U8,
    angle: U8,
    count: U8,
    finger: U8,
    rows: I64,
    prm: npt.NDArray[np.float64],
) -> tuple[U64, I64, I64, I64]:  # pragma: no cover - compiled
    """Salted codes, rotation bins, first vertices and rows of the triangles of `rows`."""
    m = xy.shape[1]
    per = int(prm[1])
    out_c = np.empty(rows.shape[0] * per, dtype=np.uint64)
    out_r = np.empty(rows.shape[0] * per, dtype=np.int64)
    out_v = np.empty(rows.shape[0] * per, dtype=np.int64)
    out_s = np.empty(rows.shape[0] * per, dtype=np.int64)
    x = np.empty(m, dtype=np.float32)
    y = np.empty(m, dtype=np.float32)
    a = np.empty(m, dtype=np.float32)
    d = np.empty(m, dtype=np.float64)
    step = np.float32(2 * np.pi / 256)
    n = 0
    for row in rows:
        k = int(count[row])
        for v in range(k):
            b0, b1, b2 = int(xy[row, v, 0]), int(xy[row, v, 1]), int(xy[row, v, 2])
            x[v] = np.float32((b0 | ((b1 & 15) << 8)) - XY_OFFSET)
            y[v] = np.float32(((b1 >> 4) | (b2 << 4)) - XY_OFFSET)
            a[v] = np.float32(angle[row, v]) * step
        # minutiae from the centre out, as _candidates._centre_rank orders them
        mx = x[:k].mean() if k else 0.0
        my = y[:k].mean() if k else 0.0
        for v in range(k):
            d[v] = np.hypot(x[v] - mx, y[v] - my)
        rank = np.argsort(d[:k], kind="mergesort").astype(np.int32)
        codes, rot, vtx = gallery_codes(
            x[:k],
            y[:k],
            a[:k],
            rank,
            int(prm[0]),
            per,
            int(prm[2]),
            prm[3],
            prm[4],
            prm[5],
            int(prm[6]),
            prm[7],
            prm[8],
            prm[9],
        )
        c = salted(codes, int(finger[row]))
        e = n + c.shape[0]
        out_c[n:e], out_r[n:e], out_v[n:e] = c, rot, vtx
        out_s[n:e] = row
        n = e
    return out_c[:n], out_r[:n], out_v[:n], out_s[:n]
