"""The live 1:N gallery of the running process, held on the app state, kept equal to the database.

One :class:`GalleryHolder` per process. It is loaded from the enrolled templates in a
background thread (started by ``create_app`` outside tests, or on first use); until then
:func:`live_gallery` answers 503 "gallery loading". Every enrolment, re-enrolment and deletion
appends to a change log numbered in commit order (``biometric_gallery_changes``). The process
that made a change applies it to its own index right after its commit; every process (this
one included) replays the entries past its cursor before each search (:func:`sync_gallery`),
which is how several server processes stay consistent. Replaying reloads the person's current
fingers from the database, so it is idempotent and order-safe.

``PEELIAN_BIO_GALLERY_SHARDS`` chooses the index: 0 keeps the whole gallery in this process
(:class:`~peelian.biometrics.gallery.GalleryIndex`); N > 0 splits it over N Ray actors on a
local Ray cluster (:class:`~peelian.biometrics.gallery.ShardedGalleryIndex`).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy.orm import Session

from peelian.biometrics import engine, gallery
from peelian.biometrics.engine import formats
from peelian.biometrics.repository import enrolment as repo
from peelian.core.db import Database
from peelian.core.errors import PeelianError
from peelian.web.state import AppState

__all__ = [
    "FINGER_POSITIONS",
    "GalleryHolder",
    "GalleryLoading",
    "apply_change",
    "gallery_for",
    "live_gallery",
    "load_gallery",
    "start_loading",
    "sync_gallery",
]

log = logging.getLogger(__name__)
_KEY = "biometrics.gallery"
_create_lock = threading.Lock()
_start_lock = threading.Lock()
FINGER_POSITIONS = range(1, 11)
LOAD_BATCH = 2000
# How long a search waits for a load that is under way before answering 503.
LOAD_GRACE_S = 2.0

Index = gallery.GalleryIndex | gallery.ShardedGalleryIndex


class GalleryLoading(PeelianError):
    """The gallery is still being loaded from the database; try again shortly."""

    status: ClassVar[int] = 503
    title: ClassVar[str] = "Gallery loading"
    slug: ClassVar[str] = "gallery-loading"


@dataclass
class GalleryHolder:
    """The process's gallery index, whether it is loaded, and the last change it has applied."""

    index: Index
    loaded: threading.Event = field(default_factory=threading.Event)
    # Last change-log number reflected in the index; changes after it are replayed.
    cursor: int = 0
    # Serialises index writes with the cursor, so a replay and an after-commit apply never
    # interleave (a replay that read older rows must not land after a newer apply).
    lock: threading.RLock = field(default_factory=threading.RLock)
    loading: threading.Thread | None = None
    load_error: str | None = None
    # Searches that may run at once (``PEELIAN_BIO_SEARCH_CONCURRENCY``); the rest wait here.
    searching: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(os.cpu_count() or 1)
    )
    # A sharded index's finger count, refreshed after every write through this module: asking
    # the Ray actors would queue each search behind the shards' running searches.
    sharded_size: int = 0

    @property
    def size(self) -> int:
        """How many fingers the index holds (sets the search thresholds)."""
        if isinstance(self.index, gallery.GalleryIndex):
            return len(self.index)
        return self.sharded_size

    def recount(self) -> None:
        """Refresh the cached count after writing to a sharded index (cheap otherwise)."""
        if not isinstance(self.index, gallery.GalleryIndex):
            self.sharded_size = len(self.index)


def _new_index(shards: int) -> Index:
    if shards <= 0:
        return gallery.GalleryIndex()
    return gallery.ShardedGalleryIndex(
        shards, ray_options={"num_cpus": shards, "include_dashboard": False}
    )


def gallery_for(state: AppState) -> GalleryHolder:
    """The gallery of this app state, created empty (and not loaded) on first use."""
    holder = state.extensions.get(_KEY)
    if holder is None:
        with _create_lock:
            holder = state.extensions.get(_KEY)
            if holder is None:
                slots = state.settings.bio_search_concurrency or os.cpu_count() or 1
                holder = GalleryHolder(
                    _new_index(state.settings.bio_gallery_shards),
                    searching=threading.BoundedSemaphore(slots),
                )
                state.extensions[_KEY] = holder
    assert isinstance(holder, GalleryHolder)
    return holder


def _decode(
    rows: Iterable[tuple[uuid.UUID, int, bytes]],
) -> list[tuple[gallery.EnrolmentKey, engine.Template]]:
    return [(gallery.EnrolmentKey(pid, pos), formats.deserialize(t)) for pid, pos, t in rows]


def load_gallery(db: Database, holder: GalleryHolder, *, batch: int = LOAD_BATCH) -> int:
    """Fill the index with every enrolled finger, catch up with the change log, mark it loaded."""
    with db.sessionmaker() as session:
        # The cursor is read first: anything committed while the load runs is replayed after.
        cursor = repo.last_seq(session)
        loaded = 0
        for rows in repo.iter_templates(session, batch=batch):
            with holder.lock:
                loaded += holder.index.add_many(_decode(rows))
        session.rollback()
    with holder.lock:
        holder.cursor = max(holder.cursor, cursor)
        with db.sessionmaker() as session:
            sync_gallery(session, holder)
            session.rollback()
        holder.recount()
        holder.loaded.set()
    log.info("biometric gallery loaded: %d fingers", loaded)
    return loaded


def start_loading(state: AppState) -> GalleryHolder:
    """Start loading this process's gallery in a background thread (once); return the holder."""
    holder = gallery_for(state)
    if holder.loaded.is_set() or holder.loading is not None:
        return holder
    # Not the holder's lock: the loader holds that while it opens a transaction, and a request
    # calling this already has one open (on SQLite, the writer lock), so waiting for it here
    # could deadlock until the lock timeout.
    with _start_lock:
        if holder.loading is None and not holder.loaded.is_set():
            holder.loading = threading.Thread(
                target=_load_in_background,
                args=(state.db, holder),
                name="gallery-load",
                daemon=True,
            )
            holder.loading.start()
    return holder


def _load_in_background(db: Database, holder: GalleryHolder) -> None:
    try:
        load_gallery(db, holder)
    except Exception as exc:  # reported to searchers as a 503 and logged (no personal data)
        holder.load_error = type(exc).__name__
        log.exception("biometric gallery failed to load")


def live_gallery(
    session: Session, state: AppState, *, wait_s: float = LOAD_GRACE_S
) -> GalleryHolder:
    """The loaded gallery, brought up to date with the change log: call before each search.

    Starts the load if nobody has; raises :class:`GalleryLoading` (503) if it has not finished
    within `wait_s`.
    """
    holder = start_loading(state)
    if not holder.loaded.wait(wait_s):
        detail = "the fingerprint gallery is still loading; try again in a few seconds"
        if holder.load_error is not None:
            detail = f"the fingerprint gallery failed to load ({holder.load_error}); see the logs"
        raise GalleryLoading(detail, headers={"Retry-After": "5"})
    sync_gallery(session, holder)
    return holder


def apply_change(
    holder: GalleryHolder,
    *,
    seq: int | None,
    person_id: uuid.UUID,
    templates: dict[int, engine.Template],
) -> None:
    """Make the index hold exactly `templates` for a person (empty: forget them) at once."""
    with holder.lock:
        _replace(holder.index, person_id, templates)
        holder.recount()
        if seq is not None and holder.cursor == seq - 1:
            holder.cursor = seq


def _replace(index: Index, person_id: uuid.UUID, templates: dict[int, engine.Template]) -> None:
    for position in FINGER_POSITIONS:
        if position not in templates:
            index.remove(gallery.EnrolmentKey(person_id, position))
    if templates:
        index.add_many(
            (gallery.EnrolmentKey(person_id, pos), t) for pos, t in sorted(templates.items())
        )


def sync_gallery(session: Session, holder: GalleryHolder, *, limit: int = 1000) -> int:
    """Replay the change-log entries after the holder's cursor; returns how many were read.

    When nothing has changed (the usual case) this is one read of the log's one-row head,
    without the holder's lock, so concurrent searches do not queue here.
    """
    if repo.last_seq(session) <= holder.cursor:
        return 0
    seen = 0
    with holder.lock:
        while True:
            changes = repo.changes_since(session, holder.cursor, limit=limit)
            if not changes:
                return seen
            people = list(dict.fromkeys(c.person_id for c in changes))
            current: dict[uuid.UUID, dict[int, engine.Template]] = {p: {} for p in people}
            for pid, pos, blob in repo.templates_of(session, people):
                current[pid][pos] = formats.deserialize(blob)
            for pid in people:
                _replace(holder.index, pid, current[pid])
            holder.recount()
            holder.cursor = changes[-1].seq
            seen += len(changes)
