"""Chromium (Playwright) against a real Peelian server process on SQLite with the built-in forms.

The browser tests skip, saying why, when Playwright or /usr/bin/chromium is missing; `make test`
installs Chromium first, so on CI they run.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mobile.live import LiveServer

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("Playwright is not installed: pip install -e '.[dev]'")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: `make test` installs it (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn on a SQLite file, migrated, with the built-in forms published."""
    server = LiveServer(tmp_path_factory.mktemp("pwa"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (its own IndexedDB, caches and service worker)."""
    ctx = browser.new_context(service_workers="allow")
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()
