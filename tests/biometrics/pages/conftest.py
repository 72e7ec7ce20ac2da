"""Fixtures for the enrolment pages: room for ten TIFFs in a body, a blob store, a person."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.fixtures.records import make_person

from peelian.core.storage import LocalBlobStore
from peelian.web.state import AppState


@pytest.fixture
def blob_dir(tmp_path: Path) -> Path:
    """Where the app under test stores enrolled images."""
    return tmp_path / "blobs"


@pytest.fixture
def app_state(app_state: AppState, blob_dir: Path) -> AppState:
    """The suite's app state, with a blob store for enrolled images."""
    app_state.blob_store = LocalBlobStore(blob_dir, fsync=False)
    return app_state


@pytest.fixture
def person_id(db_session: Session) -> uuid.UUID:
    """A person held in records."""
    person = make_person(db_session)
    db_session.commit()
    return person.id
