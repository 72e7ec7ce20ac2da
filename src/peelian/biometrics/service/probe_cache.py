"""Probes awaiting an examiner, held only in this process's memory and only for a short time.

A possible match needs a human examiner, who must see the probe beside the candidate. The probe
(templates, and the images when the device sent images) is kept here, keyed by review id, until
the examiner decides or the review's time runs out (``PEELIAN_BIO_REVIEW_TTL_S``, default 15
minutes). It is never written anywhere: not to the database, the blob store, the job queue, a
log or a temporary file. Expired entries are purged on every access and by a daemon thread
while any entry is held; a purged entry's arrays are overwritten with zeros before they are
dropped, so the bytes do not linger in freed memory longer than the garbage collector makes
them.

A restart loses every held probe: the review then shows "expired — probe discarded", which is
the safe failure for data that must not be kept.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peelian.biometrics import engine
from peelian.web.state import AppState

__all__ = ["HeldProbe", "ProbeCache", "ProbeFinger", "probe_cache_for", "wipe"]

_KEY = "biometrics.probe_cache"
_create_lock = threading.Lock()


@dataclass(frozen=True)
class ProbeFinger:
    """One probe finger: its template and, when an image was sent, the image at 500 ppi."""

    position: int
    template: engine.Template
    image: npt.NDArray[np.uint8] | None


@dataclass(frozen=True)
class HeldProbe:
    """A probe held for review, with its monotonic deadline."""

    fingers: tuple[ProbeFinger, ...]
    deadline: float


def wipe(fingers: tuple[ProbeFinger, ...] | list[ProbeFinger]) -> None:
    """Overwrite a probe's arrays with zeros (best effort: Python may hold other copies)."""
    for f in fingers:
        arrays: list[npt.NDArray[np.generic] | None] = [
            f.template.x, f.template.y, f.template.angle, f.template.kind, f.image,
        ]  # fmt: skip
        for arr in arrays:
            if arr is not None and arr.flags.writeable:
                arr.fill(0)


class ProbeCache:
    """A TTL dictionary of probes awaiting review; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._items: dict[uuid.UUID, HeldProbe] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._sweeper: threading.Thread | None = None

    def __len__(self) -> int:
        self.purge()
        return len(self._items)

    def put(self, review_id: uuid.UUID, fingers: tuple[ProbeFinger, ...], ttl_s: float) -> None:
        """Hold a probe for `ttl_s` seconds."""
        with self._lock:
            self._items[review_id] = HeldProbe(fingers, self._clock() + ttl_s)
            if self._sweeper is None or not self._sweeper.is_alive():
                self._sweeper = threading.Thread(
                    target=self._sweep, name="bio-probe-sweeper", daemon=True
                )
                self._sweeper.start()
        self._wake.set()

    def get(self, review_id: uuid.UUID) -> tuple[ProbeFinger, ...] | None:
        """The held probe, or None once it was dropped or has expired."""
        self.purge()
        with self._lock:
            held = self._items.get(review_id)
        return None if held is None else held.fingers

    def drop(self, review_id: uuid.UUID) -> bool:
        """Drop a probe now (the examiner decided); returns whether one was held."""
        with self._lock:
            held = self._items.pop(review_id, None)
        if held is not None:
            wipe(held.fingers)
        return held is not None

    def purge(self) -> int:
        """Drop every expired probe; returns how many."""
        now = self._clock()
        with self._lock:
            gone = [k for k, v in self._items.items() if v.deadline <= now]
            dropped = [self._items.pop(k) for k in gone]
        for held in dropped:
            wipe(held.fingers)
        return len(dropped)

    def clear(self) -> None:
        """Drop everything (shutdown, tests)."""
        with self._lock:
            dropped = list(self._items.values())
            self._items.clear()
        for held in dropped:
            wipe(held.fingers)

    def _next_deadline(self) -> float | None:
        with self._lock:
            return min((v.deadline for v in self._items.values()), default=None)

    def _sweep(self) -> None:
        # Sleeps until the earliest deadline (or a new entry), purges, and ends when empty.
        while True:
            self._wake.clear()
            deadline = self._next_deadline()
            if deadline is None:
                with self._lock:
                    if not self._items:
                        self._sweeper = None
                        return
                continue
            self._wake.wait(max(0.01, min(deadline - self._clock(), 60.0)))
            self.purge()


def probe_cache_for(state: AppState) -> ProbeCache:
    """The probe cache of this app state, created on first use."""
    cache = state.extensions.get(_KEY)
    if cache is None:
        with _create_lock:
            cache = state.extensions.get(_KEY)
            if cache is None:
                cache = ProbeCache()
                state.extensions[_KEY] = cache
    assert isinstance(cache, ProbeCache)
    return cache
