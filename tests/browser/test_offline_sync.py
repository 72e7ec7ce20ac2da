"""The officer app in Chromium: capture offline, survive a reload, sync when the network returns,
and keep everything on the device encrypted."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from peelian.auth.models import User
from peelian.core.audit import Actor
from peelian.mobile.forms import service as forms
from peelian.mobile.models import Submission
from tests.browser.pwa import dump_indexeddb, expect, first_use, seed_officer, unlock, unsent
from tests.mobile.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _field(page: Any, name: str) -> Any:
    return page.locator(f'[data-field="/data/{name}"]')


def _fill_stop_search(page: Any, surname: str) -> None:
    page.fill('[data-field="/data/search_datetime"] input', "2026-11-29T10:30")
    page.fill('[data-field="/data/location"] input', "Corn Market, Derby")
    page.select_option('[data-field="/data/sde"] select', "W1")
    page.check('[data-field="/data/search_type"] input[value="person"]')
    page.check('[data-field="/data/power"] input[value="mda_s23"]')
    page.fill('[data-field="/data/grounds"] input', "too short")
    page.check('[data-field="/data/object_of_search"] input[value="drugs"]')
    page.fill('[data-field="/data/officer_id"] input', "PC 4321")
    page.fill('[data-field="/data/person_name"] input', f"Ada {surname}")
    page.check('[data-field="/data/outcome"] input[value="nfa"]')
    page.check('[data-field="/data/injury"] input[value="no"]')
    page.check('[data-field="/data/bwv_used"] input[value="yes"]')
    page.check('[data-field="/data/receipt_offered"] input[value="given"]')


def _submissions(server: LiveServer, username: str) -> list[Submission]:
    with server.session() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return list(session.scalars(select(Submission).where(Submission.officer_id == user.id)))


class TestOfflineCapture:
    def test_offline_form_survives_reload_then_syncs_and_stays_encrypted(
        self, context: Any, app_server: LiveServer
    ) -> None:
        officer = seed_officer(app_server)
        surname = f"Quillby{uuid.uuid4().hex[:6]}"
        page = context.new_page()
        first_use(page, app_server, officer)

        context.set_offline(True)
        # No signal means no request gets out, whoever makes it: Chromium's offline emulation
        # is not applied to every path (Background Sync wakes the worker by the real network).
        context.route("**/api/**", lambda route: route.abort("internetdisconnected"))
        page.wait_for_selector("#net >> text=Offline")
        page.click('[data-form="stop_search"]')
        _fill_stop_search(page, surname)

        # Relevance: a no-suspicion power hides the grounds and asks for the authorisation.
        page.check('[data-field="/data/power"] input[value="cjpoa_s60"]')
        expect(_field(page, "grounds")).to_be_hidden()
        expect(_field(page, "authorisation")).to_be_visible()
        page.check('[data-field="/data/power"] input[value="mda_s23"]')
        expect(_field(page, "grounds")).to_be_visible()
        expect(_field(page, "outcome_linked")).to_be_hidden()  # not asked when the outcome is NFA

        # A constraint with its message: the legal grounds must be explained in full.
        page.click("#submit-form")
        expect(page.locator("#error-summary")).to_contain_text("Explain the grounds in full")
        page.fill(
            '[data-field="/data/grounds"] input',
            "Smelt strongly of cannabis; seen passing small packages",
        )

        # Offline reload: the service worker serves the app; the draft is there after the PIN.
        response = page.reload()
        assert response is not None
        assert response.from_service_worker
        unlock(page)
        assert page.input_value('[data-field="/data/person_name"] input') == f"Ada {surname}"
        page.click("#app-nav >> text=Home")
        page.wait_for_selector("#drafts li")
        draft = page.locator("#drafts li")
        assert draft.count() == 1
        draft.locator("a").click()
        assert page.input_value('[data-field="/data/grounds"] input').startswith("Smelt strongly")
        page.click("#submit-form")
        page.wait_for_selector("text=It will be sent when there is signal")
        unsent(page, 1)

        # And again with the submission in the outbox.
        page.reload()
        unlock(page)
        unsent(page, 1)
        assert _submissions(app_server, officer.username) == []

        # Nothing readable at rest: no entered value anywhere in IndexedDB.
        dump = dump_indexeddb(page)
        text = json.dumps(dump, ensure_ascii=False)
        assert surname not in text
        assert "Corn Market" not in text
        assert {k[0] for k, _ in dump["records"]} >= {"outbox", "settings"}
        assert sorted(k for k, _ in dump["keys"]) == ["device-key", "vault"]
        vault = dict(dump["keys"])["vault"]
        assert vault["iterations"] >= 310_000
        assert len(vault["salt"]) == 16
        device_key = dict(dump["keys"])["device-key"]
        assert device_key["privateKey"] == "[CryptoKey private false]"

        # Signal returns: the app syncs by itself and checks the signed receipt.
        context.unroute("**/api/**")
        context.set_offline(False)
        unsent(page, 0)
        rows = _submissions(app_server, officer.username)
        assert len(rows) == 1
        assert rows[0].data["person_name"] == f"Ada {surname}"
        assert rows[0].data["grounds"].startswith("Smelt strongly")
        assert rows[0].form_id == "stop_search"
        page.click("#app-nav >> text=Outbox")
        page.wait_for_selector("text=signature checked")
        keys = [k for k, _ in dump_indexeddb(page)["records"]]
        assert any(k[0] == "receipt" for k in keys)
        assert not any(k[0] == "outbox" for k in keys)


class TestRefusal:
    def test_refused_submission_is_held_with_the_reason_and_its_data_kept(
        self, context: Any, app_server: LiveServer
    ) -> None:
        officer = seed_officer(app_server)
        page = context.new_page()
        first_use(page, app_server, officer)
        context.set_offline(True)
        page.wait_for_selector("#net >> text=Offline")
        page.click('[data-form="vehicle_stop"]')
        page.fill('[data-field="/data/vrm"] input', "AB12 CDE")
        page.fill('[data-field="/data/stop_datetime"] input', "2026-11-29T09:15")
        page.fill('[data-field="/data/location"] input', "A38 northbound")
        page.check('[data-field="/data/reason"] input[value="check"]')
        page.check('[data-field="/data/outcome"] input[value="advice"]')
        page.click("#submit-form")
        page.wait_for_selector("text=It will be sent when there is signal")

        # While the device was out of signal, the form version was retired.
        with app_server.db.unit_of_work() as session:
            forms.retire(session, actor=Actor.system("test"), form_id="vehicle_stop", version="1")
        context.set_offline(False)
        page.wait_for_selector("#held >> text=need you")
        unsent(page, 1)
        page.click("#app-nav >> text=Outbox")
        refusal = page.locator("#outbox .app-refusal")
        assert "retired" in refusal.inner_text()
        assert "fix" in refusal.inner_text()
        assert _submissions(app_server, officer.username) == []

        # The officer reopens it: every answer is still there.
        page.click("text=Correct and send again")
        assert page.input_value('[data-field="/data/vrm"] input') == "AB12 CDE"
        assert "retired" in page.inner_text("main")
