"""Tests of the threaded bulk indexing of stored fingers."""

from __future__ import annotations

import numpy as np
import pytest
from tests.fixtures.gallery import SmallGallery

from peelian.biometrics.gallery import GalleryIndex, _batch
from peelian.biometrics.gallery._triangles import CHECK_BITS, ROT_BITS


def _tables(small_gallery: SmallGallery) -> tuple[np.ndarray, np.ndarray, int]:
    idx = GalleryIndex(capacity=len(small_gallery.items))
    idx.add_many(small_gallery.items)  # type: ignore[arg-type]
    return idx._table.table.copy(), idx._table.aux.copy(), idx._table.entries


class TestIndexRows:
    def test_the_table_does_not_depend_on_chunks_or_threads(
        self, small_gallery: SmallGallery, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        whole = _tables(small_gallery)
        monkeypatch.setattr(_batch, "CHUNK", 7)
        monkeypatch.setattr(_batch, "BUILD_THREADS", 3)
        chunked = _tables(small_gallery)
        assert whole[2] == chunked[2] > 0
        assert np.array_equal(whole[0], chunked[0])
        assert np.array_equal(whole[1], chunked[1])

    def test_every_finger_stores_its_triangles(self, small_gallery: SmallGallery) -> None:
        table, _, entries = _tables(small_gallery)
        slots = (table[table != 0] >> np.uint32(ROT_BITS + CHECK_BITS)) - 1
        assert len(slots) == entries
        assert len(np.unique(slots)) == len(small_gallery.items)
