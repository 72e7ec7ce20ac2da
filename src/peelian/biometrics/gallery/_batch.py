"""Indexing many stored fingers at once in compiled code (bulk loads and table rebuilds)."""

from __future__ import annotations

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


def index_rows(store: Store, rows: I64, table: U32, aux: U8) -> int:
    """Put the triangles of the stored fingers `rows` into the table; returns how many."""
    return int(
        _index_rows(
            store.xy,
            store.angle,
            store.n_minutiae,
            store.finger,
            np.asarray(rows, dtype=np.int64),
            table,
            aux,
            np.array(
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
            ),
        )
    )


@nb.njit(cache=True, nogil=True)
def _index_rows(
    xy: U8,
    angle: U8,
    count: U8,
    finger: U8,
    rows: I64,
    table: U32,
    aux: U8,
    prm: npt.NDArray[np.float64],
) -> int:  # pragma: no cover - compiled
    m = xy.shape[1]
    x = np.empty(m, dtype=np.float32)
    y = np.empty(m, dtype=np.float32)
    a = np.empty(m, dtype=np.float32)
    d = np.empty(m, dtype=np.float64)
    step = np.float32(2 * np.pi / 256)
    total = 0
    for row in rows:
        k = int(count[row])
        for v in range(k):
            b0, b1, b2 = int(xy[row, v, 0]), int(xy[row, v, 1]), int(xy[row, v, 2])
            x[v] = np.float32((b0 | ((b1 & 15) << 8)) - XY_OFFSET)
            y[v] = np.float32(((b1 >> 4) | (b2 << 4)) - XY_OFFSET)
            a[v] = np.float32(angle[row, v]) * step
        # minutiae from the centre out, as _candidates.finger_codes orders them
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
            int(prm[1]),
            int(prm[2]),
            prm[3],
            prm[4],
            prm[5],
            int(prm[6]),
            prm[7],
            prm[8],
            prm[9],
        )
        table_insert(table, aux, salted(codes, int(finger[row])), rot, vtx, row)
        total += codes.shape[0]
    return total
