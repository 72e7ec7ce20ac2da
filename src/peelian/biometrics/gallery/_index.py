"""Single-process 1:N gallery index: compact storage, triangle candidates, full rescoring."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from .. import engine
from . import parameters as p
from ._candidates import TriangleTable
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

    Each finger is stored compactly (1,735 bytes, see :mod:`._store`) and contributes
    ``TRIANGLES_PER_FINGER`` entries to a candidate table of minutia triangles (300 bytes
    at the table's largest load; 2,035 bytes a finger in all). A search votes in the table
    for each probe finger (see :mod:`._hough`), rescores the best ``shortlist`` gallery
    fingers with the engine's matcher, completes the best subjects with direct comparisons
    of the fingers they were not shortlisted on, and fuses per subject with
    :func:`peelian.biometrics.engine.fuse`.

    Fingers can be added and removed at any time without a rebuild (except that an add
    finding the candidate table full regrows it by ``TABLE_GROWTH``, recomputing every
    finger's triangles: :meth:`reserve` room at start-up); a removed finger is never
    returned again (its row is marked dead at once and compacted away later).
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
        return self._add_packed(keys, packed)

    def add_packed(self, keys: Sequence[EnrolmentKey], gallery: engine.PreparedGallery) -> int:
        """Enrol fingers already packed by :func:`engine.pack` (``keys[i]`` for entry ``i``).

        The fast path for bulk loads: preparing templates is the costly part of enrolment,
        so it can be done elsewhere (other processes, or once, kept with the templates).
        """
        ks = [_check_key(k) for k in keys]
        if len(ks) != len(gallery):
            raise ValueError(f"{len(ks)} keys for a gallery of {len(gallery)} fingers")
        if len(set(ks)) != len(ks):
            raise ValueError("the same key appears twice in one batch")
        return self._add_packed(ks, gallery) if ks else 0

    def _add_packed(self, keys: list[EnrolmentKey], packed: engine.PreparedGallery) -> int:
        hi, lo, fp = _split(keys)
        n_new = len(keys) * p.TRIANGLES_PER_FINGER  # at most
        with self._lock.writing():
            old = self._store.find(hi, lo, fp)
            self._kill(old[old >= 0])
            if self._store.count + len(keys) > MAX_SLOTS:
                raise OverflowError(f"one index holds at most {MAX_SLOTS} fingers; shard it")
            if not self._table.has_room(n_new):
                # one rebuild, dropping removed fingers and leaving room to grow
                self._store.keep(np.flatnonzero(self._store.alive[: self._store.count]))
                cap = int((self._store.count + len(keys)) * p.TABLE_GROWTH)
                self._table.rebuild(self._store, cap)
            first = self._store.append(packed, hi, lo, fp)
            self._table.insert(self._store, np.arange(first, first + len(keys)))
            self._live += len(keys)
        return len(keys)

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
        probes = list(probes)
        prepared = [engine.prepare(t) for t in probes]
        positions = [int(t.finger_position) for t in probes]
        with self._lock.reading():
            scores = _Search(self, probes, prepared, positions).run()
        return _rank(scores, positions, top, min_score)

    def shortlisted(self, probe: engine.Template, key: EnrolmentKey) -> bool:
        """Whether the candidate stage passes `key`'s finger on for `probe` (to measure its
        recall apart from the matcher's)."""
        with self._lock.reading():
            row = int(self._store.find(*_split([EnrolmentKey(*key)]))[0])
            return row >= 0 and bool(np.isin(row, self.shortlist_rows(probe)))

    def shortlist_rows(self, probe: engine.Template) -> I64:
        """Rows the candidate stage passes on for one probe finger (read lock held)."""
        st = self._store
        n = st.count
        eligible = st.alive[:n].copy()
        position = int(probe.finger_position)
        if position:
            eligible &= st.finger[:n] == position
        if int(eligible.sum()) <= self.shortlist:
            return np.flatnonzero(eligible)
        return self._table.shortlist(
            st, probe.x, probe.y, probe.angle, position, eligible, self.shortlist
        )


class _Search:
    """One 1:N search of a few probe fingers (runs under the index's read lock)."""

    def __init__(
        self,
        index: GalleryIndex,
        templates: list[engine.Template],
        probes: list[engine.PreparedTemplate],
        positions: list[int],
    ) -> None:
        self.index = index
        self.templates = templates
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

    def _scores(self, t: int, rows: I64) -> tuple[I64, F32]:
        """Matcher scores of probe finger `t` against `rows` (no shared state touched)."""
        if len(rows) == 0:
            return rows, np.zeros(0, dtype=np.float32)
        return rows, engine.search(self.probes[t], self.store.gallery(rows))

    def _shortlist_and_score(self, t: int) -> tuple[I64, F32]:
        return self._scores(t, self.index.shortlist_rows(self.templates[t]))

    def _merge(self, t: int, rows: I64, sc: F32) -> None:
        for subj, s in zip(self._subject(rows), sc, strict=True):
            per = self.scores.setdefault(subj, {})
            per[t] = max(per.get(t, 0.0), float(s))

    def run(self) -> dict[int, dict[int, float]]:
        n = len(self.templates)
        if n > 1:
            # The candidate stage and the matcher run in compiled code without the GIL, so
            # the probe fingers are searched on parallel threads.
            with ThreadPoolExecutor(max_workers=min(n, p.SEARCH_THREADS)) as pool:
                parts = list(pool.map(self._shortlist_and_score, range(n)))
        else:
            parts = [self._shortlist_and_score(t) for t in range(n)]
        for t, (rows, sc) in enumerate(parts):
            self._merge(t, rows, sc)
        if n > 1:
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
            self._merge(t, *self._scores(t, rows[rows >= 0]))


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
