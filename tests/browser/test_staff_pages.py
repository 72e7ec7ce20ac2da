"""Back-office pages in Chromium: they run under the strict Content Security Policy without a
single blocked style or script (htmx's indicator style would be one)."""

from __future__ import annotations

from typing import Any

import pytest

from peelian.auth.models import Role
from tests.browser.pwa import seed_officer
from tests.mobile.live import PASSWORD, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PAGES = ["/staff", "/stop-searches", "/statements", "/missing-reports", "/vehicle-stops"]


class TestStaffPagesUnderTheCsp:
    def test_staff_pages_log_no_console_errors(self, context: Any, app_server: LiveServer) -> None:
        supervisor = seed_officer(app_server, Role.SUPERVISOR)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(app_server.url + "/login")
        page.fill("#username", supervisor.username)
        page.fill("#password", PASSWORD)
        page.fill("#totp", supervisor.code(0))
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url("**/staff")
        for path in PAGES:
            res = page.goto(app_server.url + path)
            assert res is not None, path
            assert res.status == 200, path
            page.wait_for_load_state("networkidle")
        assert errors == []
