"""Single-process 1:N gallery index: compact storage, triangle candidates, full rescoring."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from .. import engine
from . import parameters as p
from ._candidates import TriangleTable, finger_codes
from ._rwlock import ReadWriteLock
from ._store import Store
from ._triangles import MAX_SLOTS
from ._types import Candidate, EnrolmentKey

Enrolment = tuple[EnrolmentKey, "engine.Template | engine.PreparedTemplate"]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]


def _split(
    keys: Sequence[EnrolmentKey],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint8]]:
    """Keys as arrays: high and low 64 bits of the subject id, and the finger position."""
    ints = [k.subject_id.int for k in keys]
    hi = np.array([v >> 64 for v in ints], dtype=np.uint64)
    lo = np.array([v & ((1 << 64) - 1) for v in ints], dtype=np.uint64)
    fp = np.array([k.finger_position for k in keys], dtype=np.uint8)
    return hi, lo, fp


def _check_key(key: EnrolmentKey) -> EnrolmentKey:
    k = EnrolmentKey(*key)
    if not isinstance(k.subject_id, uuid.UUID):
        raise TypeError("subject_id must be a uuid.UUID")
    if not 1 <= int(k.finger_position) <= 10:
        raise ValueError(f"finger position {k.finger_position} is not in 1-10")
    return k


class GalleryIndex:
    """All enrolled fingers of a gallery in memory, searchable 1:N.

    Each finger is stored compactly (about 1.8 KB, see :mod:`._store`) and contributes
    ``TRIANGLES_PER_FINGER`` entries to a candidate table of minutia triangles (about 0.24
    KB). A search votes in the table for each probe finger, rescores the best
    ``shortlist`` gallery fingers with the engine's matcher, completes the best subjects
    with direct comparisons of the fingers they were not shortlisted on, and fuses per
    subject with :func:`peelian.biometrics.engine.fuse`.

    Fingers can be added and removed at any time without a rebuild; a removed finger is
    never returned again (its row is marked dead at once and compacted away later).
    Thread-safe for one writer and many concurrent searches (a readers-writer lock).

    Parameters
    ----------
    capacity
        Fingers to allocate room for (grows by half when exceeded).
    shortlist
        Gallery fingers per probe finger rescored with the full matcher.
    """

    def __init__(self, capacity: int = 1024, *, shortlist: int = p.SHORTLIST) -> None:
        self.shortlist = int(shortlist)
        self._store = Store(capacity)
        self._table = TriangleTable(capacity)
        self._lock = ReadWriteLock()
        self._live = 0

    # --- size -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._live

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        k = EnrolmentKey(*key)
        with self._lock.reading():
            return bool(self._store.find(*_split([k]))[0] >= 0)

    @property
    def nbytes(self) -> int:
        """Memory held by the index: stored fingers plus the candidate table, in bytes."""
        return self._store.nbytes + self._table.nbytes

    @property
    def bytes_per_finger(self) -> float:
        """Memory held per enrolled finger (allocated room and index structures included)."""
        return self.nbytes / max(self._live, 1)

    def reserve(self, capacity: int) -> None:
        """Make room for `capacity` fingers in total (avoids regrowing during bulk loads)."""
        with self._lock.writing():
            if capacity > self._store.capacity:
                self._store.resize(capacity)
            if not self._table.has_room((capacity - self._store.count) * p.TRIANGLES_PER_FINGER):
                self._table.rebuild(self._store, capacity)

    def shrink(self) -> None:
        """Compact, then free allocated room beyond the enrolled fingers (after bulk loads)."""
        with self._lock.writing():
            self._store.keep(np.flatnonzero(self._store.alive[: self._store.count]))
            self._store.resize(self._store.count)
            self._table.rebuild(self._store, self._store.count)

    # --- writes -----------------------------------------------------------------------------
    def add(self, key: EnrolmentKey, template: engine.Template | engine.PreparedTemplate) -> None:
        """Enrol one finger; an already enrolled key is replaced."""
        self.add_many([(key, template)])

    def add_many(self, items: Iterable[Enrolment]) -> int:
        """Enrol several fingers (keys replace earlier enrolments); returns how many."""
        pairs = [(_check_key(k), t) for k, t in items]
        if not pairs:
            return 0
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError("the same key appears twice in one batch")
        packed = engine.pack([t for _, t in pairs])  # prepares outside the lock
        codes = [
            finger_codes(
                packed.x[g, : packed.count[g]].astype(np.float32),
                packed.y[g, : packed.count[g]].astype(np.float32),
                packed.angle[g, : packed.count[g]].astype(np.float32) * np.float32(2 * np.pi / 256),
            )
            for g in range(len(packed))
        ]
        hi, lo, fp = _split(keys)
        with self._lock.writing():
            old = self._store.find(hi, lo, fp)
            self._kill(old[old >= 0])
            n_new = sum(len(c) for c, _ in codes)
            if self._store.count + len(pairs) > MAX_SLOTS:
                raise OverflowError(f"one index holds at most {MAX_SLOTS} fingers; shard it")
            if not self._table.has_room(n_new):
                self._compact(max(self._store.capacity, self._store.count + len(pairs)))
                if not self._table.has_room(n_new):
                    cap = int((self._store.count + len(pairs)) * p.TABLE_GROWTH)
                    self._table.rebuild(self._store, cap)
            first = self._store.append(packed, hi, lo, fp)
            for g, (c, r) in enumerate(codes):
                self._table.insert(c, r, first + g)
            self._live += len(pairs)
        return len(pairs)

    def remove(self, key: EnrolmentKey) -> bool:
        """Remove one finger at once; returns whether it was enrolled."""
        k = EnrolmentKey(*key)
        with self._lock.writing():
            rows = self._store.find(*_split([k]))
            if rows[0] < 0:
                return False
            self._kill(rows)
            if self._store.count - self._live > p.COMPACT_DEAD_FRACTION * self._store.count:
                self._compact(self._store.capacity)
            return True

    def compact(self) -> None:
        """Drop removed fingers from storage and the candidate table now."""
        with self._lock.writing():
            self._compact(self._store.capacity)

    def _kill(self, rows: I64) -> None:
        self._store.alive[rows] = False
        self._live -= len(rows)

    def _compact(self, capacity: int) -> None:
        self._store.keep(np.flatnonzero(self._store.alive[: self._store.count]))
        self._table.rebuild(self._store, capacity)

    # --- search -----------------------------------------------------------------------------
    def search(
        self,
        probes: Sequence[engine.Template],
        *,
        top: int = 10,
        min_score: float = 0.0,
    ) -> list[Candidate]:
        """Search the fingers of one person (e.g. two index fingers) against the gallery.

        Parameters
        ----------
        probes
            One template per probe finger; a template's ``finger_position`` (if not 0)
            restricts its search to gallery fingers of that position.
        top
            Most candidates returned.
        min_score
            Only candidates whose fused score reaches this are returned.

        Returns
        -------
        list of Candidate
            Best fused score first.
        """
        prepared = [engine.prepare(t) for t in probes]
        positions = [int(t.finger_position) for t in probes]
        with self._lock.reading():
            scores = _Search(self, prepared, positions).run()
        return _rank(scores, positions, top, min_score)

    def shortlist_rows(self, probe: engine.PreparedTemplate, position: int) -> I64:
        """Rows the candidate stage passes on for one probe finger (read lock held)."""
        st = self._store
        n = st.count
        eligible = st.alive[:n].copy()
        if position:
            eligible &= st.finger[:n] == position
        if int(eligible.sum()) <= self.shortlist:
            return np.flatnonzero(eligible)
        votes = self._table.votes(probe.x, probe.y, probe.angle, n)
        votes[~eligible] = -1
        k = self.shortlist
        rows = np.argpartition(-votes, k)[:k]
        return rows[votes[rows] >= p.MIN_VOTES]


class _Search:
    """One 1:N search of a few probe fingers (runs under the index's read lock)."""

    def __init__(
        self, index: GalleryIndex, probes: list[engine.PreparedTemplate], positions: list[int]
    ) -> None:
        self.index = index
        self.store = index._store
        self.probes = probes
        self.positions = positions
        # (subject int, probe finger) -> score
        self.scores: dict[int, dict[int, float]] = {}

    def _subject(self, rows: I64) -> list[int]:
        st = self.store
        return [
            (int(h) << 64) | int(lo) for h, lo in zip(st.key_hi[rows], st.key_lo[rows], strict=True)
        ]

    def _score(self, t: int, rows: I64) -> None:
        if len(rows) == 0:
            return
        sc = engine.search(self.probes[t], self.store.gallery(rows))
        for subj, s in zip(self._subject(rows), sc, strict=True):
            per = self.scores.setdefault(subj, {})
            per[t] = max(per.get(t, 0.0), float(s))

    def run(self) -> dict[int, dict[int, float]]:
        for t, (pt, pos) in enumerate(zip(self.probes, self.positions, strict=True)):
            self._score(t, self.index.shortlist_rows(pt, pos))
        if len(self.probes) > 1:
            self._complete()
        return self.scores

    def _complete(self) -> None:
        """Compare the fingers of the best subjects that a probe finger did not shortlist."""
        best = sorted(self.scores, key=lambda s: -sum(self.scores[s].values()))[: p.COMPLETE]
        for t, pos in enumerate(self.positions):
            if not pos:
                continue
            todo = [s for s in best if t not in self.scores[s]]
            if not todo:
                continue
            keys = [EnrolmentKey(uuid.UUID(int=s), pos) for s in todo]
            rows = self.store.find(*_split(keys))
            found = rows >= 0
            self._score(t, rows[found])


def _rank(
    scores: dict[int, dict[int, float]], positions: list[int], top: int, min_score: float
) -> list[Candidate]:
    out = []
    for subj, per in scores.items():
        fused = engine.fuse(per.values())
        if fused >= min_score:
            fs = tuple((positions[t], per.get(t, 0.0)) for t in range(len(positions)))
            out.append(Candidate(uuid.UUID(int=subj), fused, fs))
    out.sort(key=lambda c: -c.score)
    return out[:top]
