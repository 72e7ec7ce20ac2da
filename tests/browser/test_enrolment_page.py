"""Ten-print enrolment in Chromium: from the person page, upload two fingers, then destroy them.

A real browser sends every file input, empty ones too, as parts of the multipart body; the page
must read that form in memory and show its answers under the strict Content Security Policy.
"""

from __future__ import annotations

from typing import Any

import pytest

from peelian.auth.models import Role
from peelian.records.schemas import PersonCreate
from peelian.records.service import people
from tests.browser.pwa import seed_officer
from tests.fixtures.biometrics_enrol import fvc_png
from tests.fixtures.records import ACTOR
from tests.mobile.live import PASSWORD, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _person(server: LiveServer) -> str:
    with server.db.unit_of_work() as session:
        person_in = PersonCreate(given_names="Eve", family_name="Enrolled")
        return str(people.create_person(session, actor=ACTOR, person_in=person_in).id)


def test_enrol_from_the_person_page_and_destroy(context: Any, app_server: LiveServer) -> None:
    examiner = seed_officer(app_server, Role.FINGERPRINT_EXAMINER)
    person_id = _person(app_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_server.url + "/login")
    page.fill("#username", examiner.username)
    page.fill("#password", PASSWORD)
    page.fill("#totp", examiner.code(0))
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url("**/staff")

    page.goto(f"{app_server.url}/people/{person_id}?purpose=Custody+enrolment")
    page.click("text=Fingerprint enrolment >> nth=-1")
    page.wait_for_selector('[data-existing="none"]')
    page.set_input_files("#finger_2", files=[_png("f2.png", fvc_png(101, 1))])
    page.set_input_files("#finger_7", files=[_png("f7.png", fvc_png(102, 1))])
    page.click("form[action='/biometrics/enrolments/new'] button[type=submit]")
    page.wait_for_selector('[data-outcome="enrolled"]')
    assert page.locator("[data-finger]").count() == 2

    page.fill("#reason", "PACE s.64: NFA")
    page.click("text=Destroy this enrolment >> nth=-1")
    page.wait_for_selector('[data-outcome="destroyed"]')
    assert errors == []


def _png(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/png", "buffer": data}
