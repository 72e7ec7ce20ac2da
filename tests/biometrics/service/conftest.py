"""Fixtures for the enrolment and live-gallery tests: FVC2002 prints, a blob store, a gallery."""

from __future__ import annotations

import functools
import io
import uuid
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET
from tests.fixtures.records import make_person

from peelian.biometrics import engine
from peelian.biometrics.gallery import GalleryIndex
from peelian.biometrics.gallery import synthetic as syn
from peelian.biometrics.service.gallery import GalleryHolder
from peelian.config import Settings, load_settings
from peelian.core.storage import LocalBlobStore
from peelian.web.state import AppState

FVC = Path("/work/shared/fingerprints/FVC2002_DB1_B")


def fvc(finger: int, impression: int) -> bytes:
    """An FVC2002 DB1_B image (finger 101-110, impression 1-8) as its TIFF bytes."""
    path = FVC / f"{finger}_{impression}.tif"
    if not path.exists():
        pytest.skip(f"FVC2002 DB1_B is not available at {FVC}")
    return path.read_bytes()


def fvc_png(finger: int, impression: int) -> bytes:
    """An FVC2002 image re-encoded as PNG (smaller uploads, as scanners deliver)."""
    out = io.BytesIO()
    Image.open(io.BytesIO(fvc(finger, impression))).save(out, format="PNG")
    return out.getvalue()


def noise_png(seed: int = 0) -> bytes:
    """A picture that is not a fingerprint: uniform noise."""
    grey = np.random.default_rng(seed).integers(0, 256, (374, 388)).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(grey).save(out, format="PNG")
    return out.getvalue()


@functools.cache
def probe(finger: int, impression: int, position: int) -> engine.Template:
    """Another impression of an FVC finger, as a probe template at a finger position."""
    return engine.extract(fvc(finger, impression), finger_position=position)


def synthetic_templates(seed: int) -> dict[int, engine.Template]:
    """Two index-finger templates of one synthetic subject (generated directly, fast)."""
    rng = np.random.default_rng(seed)
    return {f: syn.impression(syn.master(rng), rng, finger_position=f) for f in (2, 7)}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """As the suite's settings, with room for multipart ten-print uploads."""
    return load_settings(
        secret_key=TEST_SECRET,
        env="test",
        var_dir=tmp_path / "var",
        storage_url=f"file://{tmp_path / 'blobs'}",
        max_body_bytes=4 * 1024 * 1024,
    )


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    """The blob store the app under test uses."""
    return LocalBlobStore(tmp_path / "blobs", fsync=False)


@pytest.fixture
def app_state(app_state: AppState, store: LocalBlobStore) -> AppState:
    """The suite's app state, with a blob store for enrolled images."""
    app_state.blob_store = store
    return app_state


@pytest.fixture
def holder() -> GalleryHolder:
    """A loaded, empty single-process gallery."""
    h = GalleryHolder(GalleryIndex())
    h.loaded.set()
    return h


@pytest.fixture
def person_id(db_session: Session) -> uuid.UUID:
    """A person held in records."""
    person = make_person(db_session)
    db_session.commit()
    return person.id
