"""A live server shared by the mobile tests that need a real process."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.mobile.live import LiveServer


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, fresh_database_url: object
) -> Iterator[LiveServer]:
    """uvicorn for the client and fault-injection tests.

    On a SQLite file, or on a fresh PostgreSQL schema when PEELIAN_TEST_DATABASE_URL is set.
    """
    make = fresh_database_url
    url = make("live") if os.environ.get("PEELIAN_TEST_DATABASE_URL") else None  # type: ignore[operator]
    server = LiveServer(tmp_path_factory.mktemp("live"), url)
    server.start()
    yield server
    server.stop()
