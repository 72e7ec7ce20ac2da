"""A live server shared by the mobile tests that need a real process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mobile.live import LiveServer


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn on a SQLite file, for the client and fault-injection tests."""
    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()
