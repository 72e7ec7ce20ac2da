"""Candidate generation: the triangle table of a gallery and its vote for a probe."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._store import Store
from ._triangles import ROT_BINS, best_votes, gallery_codes, probe_codes, table_insert, table_vote

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

_STEP = np.float32(2 * np.pi / 256)
PROBE_CODE_LIMIT = 400_000


def _centre_rank(x: F32, y: F32) -> I32:
    """Minutiae ordered from the centre out: central ones survive partial captures best."""
    d = np.hypot(x - x.mean(), y - y.mean()) if len(x) else x
    return np.argsort(d, kind="stable").astype(np.int32)


def finger_codes(x: F32, y: F32, angle: F32) -> tuple[U64, I64]:
    """Codes and rotation bins a gallery finger stores (see :mod:`._triangles`)."""
    return gallery_codes(
        x,
        y,
        angle,
        _centre_rank(x, y),
        p.INDEX_MINUTIAE,
        p.TRIANGLES_PER_FINGER,
        p.TRIANGLES_PER_MINUTIA,
        p.SIDE_MIN,
        p.SIDE_MAX,
        p.SIDE_BIN,
        p.ANGLE_BINS,
    )


def row_codes(store: Store, row: int) -> tuple[U64, I64]:
    """Codes of a stored finger, from its stored (quantised) minutiae."""
    k = int(store.n_minutiae[row])
    x = store.x[row, :k].astype(np.float32)
    y = store.y[row, :k].astype(np.float32)
    a = store.angle[row, :k].astype(np.float32) * _STEP
    return finger_codes(x, y, a)


class TriangleTable:
    """Open-addressing table of (triangle code, rotation bin) -> gallery row."""

    def __init__(self, capacity: int) -> None:
        self.entries = 0
        self.table = np.zeros(self._size(capacity), dtype=np.uint32)

    @staticmethod
    def _size(capacity: int) -> int:
        return int(np.ceil(max(capacity, 1) * p.TRIANGLES_PER_FINGER / p.TABLE_LOAD)) + 1

    @property
    def nbytes(self) -> int:
        return int(self.table.nbytes)

    def has_room(self, extra: int) -> bool:
        return self.entries + extra <= p.TABLE_LOAD * len(self.table)

    def insert(self, codes: U64, rot: I64, row: int) -> None:
        table_insert(self.table, codes, rot, row)
        self.entries += len(codes)

    def rebuild(self, store: Store, capacity: int) -> None:
        """Refill from every live row of `store`, sized for `capacity` fingers."""
        self.table = np.zeros(self._size(capacity), dtype=np.uint32)
        self.entries = 0
        for row in np.flatnonzero(store.alive[: store.count]):
            codes, rot = row_codes(store, int(row))
            self.insert(codes, rot, int(row))

    def votes(self, x: F32, y: F32, angle: F32, rows: int) -> I32:
        """Rotation-consistent triangle votes of a probe for rows ``[0, rows)``."""
        codes, phis = probe_codes(
            x,
            y,
            angle,
            p.SIDE_MIN,
            p.SIDE_MAX,
            p.SIDE_BIN,
            p.ANGLE_BINS,
            p.SOFT_MARGIN,
            p.TIE_MARGIN,
            PROBE_CODE_LIMIT,
        )
        acc = np.zeros((rows, ROT_BINS), dtype=np.uint8)
        table_vote(self.table, codes, phis, acc)
        out = np.zeros(rows, dtype=np.int32)
        best_votes(acc, out)
        return out
