"""Driving the officer app in a page: first sign-in, PIN, unlock, waiting for sync."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp

from peelian.auth.models import Role
from tests.mobile.live import PASSWORD, LiveServer

PIN = "246813"
HERE = Path(__file__).resolve().parent


@dataclass
class Officer:
    """A seeded officer and their authenticator."""

    username: str
    secret: str

    def code(self, step_offset: int = 0) -> str:
        """The TOTP code `step_offset` steps from now."""
        return pyotp.TOTP(self.secret).at(int(time.time()) + 30 * step_offset)


def seed_officer(server: LiveServer, role: Role = Role.OFFICER) -> Officer:
    """A new officer in team Response A."""
    username = f"pc{uuid.uuid4().hex[:8]}"
    return Officer(username, server.make_officer(username, role=role))


def first_use(page: Any, server: LiveServer, officer: Officer) -> None:
    """Open the app, sign in with one code, set the PIN; the device registers and signs in."""
    page.goto(server.url + "/app/")
    page.fill("#in-username", officer.username)
    page.fill("#in-password", PASSWORD)
    page.fill("#in-totp", officer.code(0))
    page.click("#sign-in button[type=submit]")
    page.fill("#in-pin", PIN)
    page.fill("#in-pin2", PIN)
    page.click("#set-pin button[type=submit]")
    page.wait_for_selector('[data-form="stop_search"]')  # forms pulled: the first sync ran
    page.evaluate(WAIT_FOR_SERVICE_WORKER)


WAIT_FOR_SERVICE_WORKER = (HERE / "wait_for_service_worker.js").read_text()


def expect(target: Any) -> Any:
    """Playwright's retrying assertions (imported late: without Playwright the tests skip)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def unsent(page: Any, count: int) -> None:
    """Wait until the status bar shows this many unsent operations."""
    expect(page.locator("#unsent")).to_have_text(str(count), timeout=30_000)


def unlock(page: Any) -> None:
    """Give the PIN on the lock screen."""
    page.fill("#in-pin", PIN)
    page.click("#unlock button[type=submit]")
    page.wait_for_selector("#app-nav:not([hidden])", state="attached")


DUMP_INDEXEDDB = (HERE / "dump_indexeddb.js").read_text()


def dump_indexeddb(page: Any) -> dict[str, list[list[Any]]]:
    """Every record of the app's IndexedDB, bytes as Latin-1 text (so plaintext would show)."""
    result: dict[str, list[list[Any]]] = page.evaluate(DUMP_INDEXEDDB)
    return result
