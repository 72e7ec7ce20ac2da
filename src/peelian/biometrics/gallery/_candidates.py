"""Candidate generation: the triangle table of a gallery and its two-stage vote for a probe."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._batch import index_rows
from ._hough import best_votes, collect_hits, collect_recorded, pose_scores, table_vote
from ._store import Store
from ._triangles import ROT_BINS, probe_codes, salted
from ._verify import pair_counts

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]


def _centre_rank(x: F32, y: F32) -> I32:
    """Minutiae ordered from the centre out: central ones survive partial captures best."""
    d = np.hypot(x - x.mean(), y - y.mean()) if len(x) else x
    return np.argsort(d, kind="stable").astype(np.int32)


def _probe_minutiae(x: F32, y: F32, angle: F32) -> tuple[F32, F32, F32]:
    """At most ``PROBE_MINUTIAE`` of a probe's minutiae, the most central first."""
    keep = _centre_rank(x, y)[: p.PROBE_MINUTIAE]
    f32 = np.float32
    return x[keep].astype(f32), y[keep].astype(f32), angle[keep].astype(f32)


class TriangleTable:
    """Open-addressing table of (triangle code, rotation bin, first vertex) -> gallery row."""

    def __init__(self, capacity: int) -> None:
        self.entries = 0
        self.table = np.zeros(self._size(capacity), dtype=np.uint32)
        self.aux = np.zeros(len(self.table), dtype=np.uint8)

    @staticmethod
    def _size(capacity: int) -> int:
        return int(np.ceil(max(capacity, 1) * p.TRIANGLES_PER_FINGER / p.TABLE_LOAD)) + 1

    @property
    def nbytes(self) -> int:
        return int(self.table.nbytes + self.aux.nbytes)

    def has_room(self, extra: int) -> bool:
        return self.entries + extra <= p.TABLE_LOAD * len(self.table)

    def insert(self, store: Store, rows: I64) -> None:
        """Add the triangles of the stored fingers `rows` (room must have been checked)."""
        self.entries += index_rows(store, rows, self.table, self.aux)

    def rebuild(self, store: Store, capacity: int) -> None:
        """Refill from every live row of `store`, sized for `capacity` fingers."""
        self.table = np.zeros(self._size(capacity), dtype=np.uint32)
        self.aux = np.zeros(len(self.table), dtype=np.uint8)
        self.entries = 0
        self.insert(store, np.flatnonzero(store.alive[: store.count]))

    def shortlist(
        self,
        store: Store,
        x: F32,
        y: F32,
        angle: F32,
        position: int,
        eligible: npt.NDArray[np.bool_],
        k: int,
    ) -> I64:
        """The `k` eligible rows (a boolean mask over rows) that a probe's triangles vote
        for most: a rotation vote picks ``PRESELECT * k`` rows (or ``PRESELECT_SHARE`` of
        the eligible), a pose vote ranks them and a pose check picks `k` of the best."""
        px, py, pa = _probe_minutiae(x, y, angle)
        codes, phis, pvtx = _codes(px, py, pa, position)
        rows = len(eligible)
        acc = np.zeros((rows, ROT_BINS), dtype=np.uint8)
        # np.empty reserves address space only: pages are used as hits are recorded
        room = p.HIT_RECORD
        rec_s, rec_t = np.empty(room, dtype=np.int32), np.empty(room, dtype=np.int32)
        rec_b, rec_v = np.empty(room, dtype=np.uint8), np.empty(room, dtype=np.uint8)
        n_hits = table_vote(self.table, self.aux, codes, phis, acc, rec_s, rec_t, rec_b, rec_v)
        votes = np.zeros(rows, dtype=np.int32)
        rot_at = np.zeros(rows, dtype=np.int32)
        best_votes(acc, votes, rot_at)
        del acc
        chosen_rows = _preselect(votes, eligible, k)
        chosen = np.full(rows, -1, dtype=np.int32)
        chosen[chosen_rows] = np.arange(len(chosen_rows), dtype=np.int32)
        hits = np.empty((p.HIT_LIMIT, 4), dtype=np.int64)
        if n_hits <= room:
            r = slice(0, n_hits)
            n = collect_recorded(rec_s[r], rec_t[r], rec_b[r], rec_v[r], pvtx, chosen, rot_at, hits)
        else:
            n = collect_hits(self.table, self.aux, codes, phis, pvtx, chosen, rot_at, hits)
        del rec_s, rec_t, rec_b, rec_v
        hits = hits[:n][np.argsort(hits[:n, 0], kind="stable")]
        pose = np.zeros(len(chosen_rows), dtype=np.int32)
        where = np.zeros((len(chosen_rows), 3), dtype=np.float64)
        prm = (p.POSE_ROT, p.POSE_SHIFT)
        pose_scores(hits, chosen_rows, store.xy, store.angle, px, py, pa, *prm, pose, where)
        # the pose vote ranks; the rotation vote breaks ties
        rank = pose.astype(np.int64) * 256 + votes[chosen_rows]
        if len(chosen_rows) <= k:
            return chosen_rows.astype(np.int64)
        return _verified(store, chosen_rows, rank, where, (px, py, pa), k)


def _codes(px: F32, py: F32, pa: F32, position: int) -> tuple[U64, F64, I64]:
    """Salted codes of every probe triangle, their longest sides' directions and first
    vertices (for every finger position when the probe's is unknown)."""
    raw, phis, pvtx = probe_codes(
        px,
        py,
        pa,
        p.SIDE_MIN,
        p.SIDE_MAX,
        p.SIDE_BIN,
        p.ANGLE_BINS,
        p.SOFT_MARGIN,
        p.TIE_MARGIN,
        p.PROBE_CODE_LIMIT,
    )
    positions = [position] if position else list(range(1, 11))
    codes = np.concatenate([salted(raw, q) for q in positions])
    return codes, np.tile(phis, len(positions)), np.tile(pvtx, len(positions))


def _preselect(votes: I32, eligible: npt.NDArray[np.bool_], k: int) -> I64:
    """Eligible rows with the most rotation votes, for the pose vote."""
    votes = np.where(eligible, votes, -1)
    n_eligible = int(eligible.sum())
    pre = min(max(p.PRESELECT * k, int(p.PRESELECT_SHARE * n_eligible)), n_eligible)
    rows = len(votes)
    chosen = np.argpartition(-votes, pre - 1)[:pre] if pre < rows else np.arange(rows)
    return chosen[votes[chosen] >= p.MIN_VOTES].astype(np.int64)


def _verified(
    store: Store,
    rows: npt.NDArray[np.signedinteger],
    rank: I64,
    where: F64,
    probe: tuple[F32, F32, F32],
    k: int,
) -> I64:
    """The `k` of the ``VERIFY * k`` best-ranked `rows` whose pose pairs the most minutiae
    (:func:`._verify.pair_counts`); the earlier rank breaks ties."""
    v = min(len(rows), max(k, p.VERIFY * k))
    top = np.argpartition(-rank, v - 1)[:v] if v < len(rows) else np.arange(len(rows))
    pairs = np.zeros(len(top), dtype=np.int32)
    pair_counts(
        rows[top].astype(np.int64),
        np.ascontiguousarray(where[top]),
        store.n_minutiae,
        store.xy,
        store.angle,
        *probe,
        p.VERIFY_DISTANCE,
        p.VERIFY_ANGLE,
        pairs,
    )
    final = pairs.astype(np.int64) * (1 << 40) + rank[top]
    return rows[top[np.argpartition(-final, k - 1)[:k]]].astype(np.int64)
