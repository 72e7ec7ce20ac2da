"""Fixtures for the enrolment and live-gallery tests: FVC2002 prints, a blob store, a gallery."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.fixtures.records import make_person

from peelian.biometrics.gallery import GalleryIndex
from peelian.biometrics.service.gallery import GalleryHolder
from peelian.core.storage import LocalBlobStore
from peelian.web.state import AppState


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
