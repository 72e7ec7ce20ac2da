"""Shared fixtures for the gallery index tests: a small synthetic two-finger gallery."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from tests.fixtures.gallery import FINGERS, SUBJECTS, SmallGallery

from peelian.biometrics import engine
from peelian.biometrics.gallery import EnrolmentKey, GalleryIndex
from peelian.biometrics.gallery import synthetic as syn


@pytest.fixture(scope="session")
def small_gallery() -> SmallGallery:
    """120 subjects x 2 index fingers of synthetic templates (generated directly)."""
    rng = np.random.default_rng(20261129)
    subjects = [uuid.UUID(int=int(rng.integers(1, 2**62)) << 64 | i) for i in range(SUBJECTS)]
    masters = [{f: syn.master(rng) for f in FINGERS} for _ in subjects]
    # Prepared once here, so that each test's fresh index only packs them.
    items = [
        (EnrolmentKey(s, f), engine.prepare(syn.impression(m[f], rng, finger_position=f)))
        for s, m in zip(subjects, masters, strict=True)
        for f in FINGERS
    ]
    outsiders = [{f: syn.master(rng) for f in FINGERS} for _ in range(5)]
    return SmallGallery(subjects, masters, items, outsiders)


@pytest.fixture
def index(small_gallery: SmallGallery) -> GalleryIndex:
    """A fresh single-process index of the small gallery (shortlist smaller than it)."""
    idx = GalleryIndex(capacity=len(small_gallery.items), shortlist=40)
    idx.add_many(small_gallery.items)  # type: ignore[arg-type]
    return idx
