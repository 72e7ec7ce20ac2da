"""The live 1:N gallery of the running process, held on the app state.

One :class:`GalleryHolder` per process: the enrolment service adds and removes fingers after
its transaction commits, the search service searches it. Single-process
(:class:`~peelian.biometrics.gallery.GalleryIndex`) unless a sharded index is configured.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from peelian.biometrics import gallery
from peelian.web.state import AppState

__all__ = ["GalleryHolder", "gallery_for"]

_KEY = "biometrics.gallery"
_create_lock = threading.Lock()


@dataclass
class GalleryHolder:
    """The process's gallery index and whether it has been loaded from the database."""

    index: gallery.GalleryIndex | gallery.ShardedGalleryIndex
    loaded: threading.Event = field(default_factory=threading.Event)


def gallery_for(state: AppState) -> GalleryHolder:
    """The gallery of this app state, created empty on first use."""
    holder = state.extensions.get(_KEY)
    if holder is None:
        with _create_lock:
            holder = state.extensions.get(_KEY)
            if holder is None:
                holder = GalleryHolder(gallery.GalleryIndex())
                state.extensions[_KEY] = holder
    assert isinstance(holder, GalleryHolder)
    return holder
