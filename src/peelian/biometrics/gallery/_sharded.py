"""A gallery split into shards held by Ray actors, searched scatter-gather.

Ray is imported only when a :class:`ShardedGalleryIndex` is built, so importing the package
neither needs nor starts Ray. A subject's fingers all live on one shard (chosen from its
id), so every shard fuses fingers and completes subjects by itself, and the driver only
merges the shards' best candidates.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .. import engine
from . import parameters as p
from ._index import Enrolment, GalleryIndex
from ._types import Candidate, EnrolmentKey


class _Shard:
    """Actor body: one :class:`GalleryIndex` in a worker process."""

    def __init__(self, capacity: int, shortlist: int) -> None:
        self.index = GalleryIndex(capacity, shortlist=shortlist)

    def add_many(self, items: list[Enrolment]) -> int:
        return self.index.add_many(items)

    def add_packed(self, keys: list[EnrolmentKey], gallery: engine.PreparedGallery) -> int:
        return self.index.add_packed(keys, gallery)

    def remove(self, key: EnrolmentKey) -> bool:
        return self.index.remove(key)

    def reserve(self, capacity: int) -> None:
        self.index.reserve(capacity)

    def shrink(self) -> None:
        self.index.shrink()

    def stats(self) -> tuple[int, int]:
        return len(self.index), self.index.nbytes

    def search(
        self, probes: Sequence[engine.Template], top: int, min_score: float
    ) -> list[Candidate]:
        return self.index.search(probes, top=top, min_score=min_score)


class ShardedGalleryIndex:
    """The interface of :class:`GalleryIndex`, over `shards` Ray actors.

    Parameters
    ----------
    shards
        Number of actors (each holds about ``1/shards`` of the subjects).
    capacity
        Fingers to allocate room for, over all shards.
    shortlist
        Gallery fingers per probe finger rescored, per shard.
    ray_options
        Keyword arguments for ``ray.init`` if Ray is not running yet (for example
        ``num_cpus=2, include_dashboard=False``).
    """

    def __init__(
        self,
        shards: int = 2,
        *,
        capacity: int = 1024,
        shortlist: int = p.SHORTLIST,
        ray_options: dict[str, Any] | None = None,
    ) -> None:
        import ray

        if not ray.is_initialized():
            ray.init(**(ray_options or {}))
        actor = ray.remote(num_cpus=1)(_Shard)
        per = max(capacity // shards + 1, 1)
        self._ray = ray
        self._shards: list[Any] = [actor.remote(per, shortlist) for _ in range(shards)]
        ray.get([s.stats.remote() for s in self._shards])

    def _shard_of(self, key: EnrolmentKey) -> int:
        return zlib.crc32(key.subject_id.bytes) % len(self._shards)

    def add(self, key: EnrolmentKey, template: engine.Template | engine.PreparedTemplate) -> None:
        """Enrol one finger on its subject's shard."""
        self.add_many([(key, template)])

    def add_many(self, items: Iterable[Enrolment]) -> int:
        """Enrol several fingers, the shards working in parallel; returns how many."""
        batches: dict[int, list[Enrolment]] = defaultdict(list)
        for key, t in items:
            k = EnrolmentKey(*key)
            batches[self._shard_of(k)].append((k, t))
        done = [self._shards[s].add_many.remote(b) for s, b in batches.items()]
        return int(sum(self._ray.get(done)))

    def add_packed(self, keys: Sequence[EnrolmentKey], gallery: engine.PreparedGallery) -> int:
        """Enrol fingers packed by :func:`engine.pack`, each shard taking its subjects'."""
        ks = [EnrolmentKey(*k) for k in keys]
        if len(ks) != len(gallery):
            raise ValueError(f"{len(ks)} keys for a gallery of {len(gallery)} fingers")
        shard = np.array([self._shard_of(k) for k in ks], dtype=np.int64)
        done = []
        for s in np.unique(shard):
            rows = np.flatnonzero(shard == s)
            part = [ks[r] for r in rows]
            done.append(self._shards[int(s)].add_packed.remote(part, gallery.subset(rows)))
        return int(sum(self._ray.get(done)))

    def remove(self, key: EnrolmentKey) -> bool:
        """Remove one finger; returns whether it was enrolled (effective on return)."""
        k = EnrolmentKey(*key)
        return bool(self._ray.get(self._shards[self._shard_of(k)].remove.remote(k)))

    def reserve(self, capacity: int) -> None:
        """Make room for `capacity` fingers over all shards."""
        per = capacity // len(self._shards) + 1
        self._ray.get([s.reserve.remote(per) for s in self._shards])

    def shrink(self) -> None:
        """Free allocated room beyond the enrolled fingers on every shard."""
        self._ray.get([s.shrink.remote() for s in self._shards])

    def _stats(self) -> list[tuple[int, int]]:
        return list(self._ray.get([s.stats.remote() for s in self._shards]))

    def __len__(self) -> int:
        return sum(n for n, _ in self._stats())

    @property
    def nbytes(self) -> int:
        """Memory held by all shards' indexes, in bytes."""
        return sum(b for _, b in self._stats())

    @property
    def bytes_per_finger(self) -> float:
        """Memory held per enrolled finger over all shards."""
        st = self._stats()
        return sum(b for _, b in st) / max(sum(n for n, _ in st), 1)

    def search(
        self, probes: Sequence[engine.Template], *, top: int = 10, min_score: float = 0.0
    ) -> list[Candidate]:
        """Search every shard at once and merge their best candidates (see GalleryIndex)."""
        probes = list(probes)
        parts = self._ray.get([s.search.remote(probes, top, min_score) for s in self._shards])
        merged = [c for part in parts for c in part]
        merged.sort(key=lambda c: -c.score)
        return merged[:top]

    def close(self) -> None:
        """Stop the shard actors (Ray itself keeps running)."""
        # A graceful exit (rather than ray.kill) lets each worker finish its queue quietly.
        for s in self._shards:
            s.__ray_terminate__.remote()
        self._shards = []
