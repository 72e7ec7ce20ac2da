"""The officer app's other pages in Chromium: review outcomes, notebook, briefings, fingerprint
search, and a forged receipt that must not free the outbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from peelian.auth.models import User
from peelian.core.audit import Actor
from peelian.mobile.models import NotebookEntry, Submission
from peelian.mobile.review import service as review
from peelian.mobile.schemas import BriefingCreate, ReviewDecision
from tests.browser.pwa import (
    WAIT_FOR_SERVICE_WORKER,
    dump_indexeddb,
    first_use,
    seed_officer,
    unsent,
)
from tests.mobile.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _incident(page: Any, summary: str) -> None:
    page.click('[data-form="incident"]')
    page.fill('[data-field="/data/occurred_at"] input', "2026-11-29T08:05")
    page.fill('[data-field="/data/location"] input', "Friar Gate")
    page.check('[data-field="/data/incident_type"] input[value="theft"]')
    page.fill('[data-field="/data/priority"] input', "2")
    page.fill('[data-field="/data/summary"] input', summary)
    page.click('[data-add="/data/people"]')
    page.check('[data-field="/data/people/0/person_role"] input[value="victim"]')
    page.fill('[data-field="/data/people/0/person_description"] input', "Shop manager")
    page.set_input_files(
        '[data-field="/data/photo"] input[type=file]',
        files=[{"name": "scene.png", "mimeType": "image/png", "buffer": b"\x89PNG fake photo"}],
    )
    page.wait_for_selector('[data-field="/data/photo"] >> text=Attached:')
    page.click("#submit-form")
    page.wait_for_selector("text=Submitted.")


def _rows(server: LiveServer, username: str, model: Any) -> list[Any]:
    with server.session() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        column = model.officer_id
        return list(session.scalars(select(model).where(column == user.id)))


class TestReviewOutcome:
    def test_returned_submission_reopens_as_a_correcting_draft(
        self, context: Any, app_server: LiveServer
    ) -> None:
        officer = seed_officer(app_server)
        page = context.new_page()
        first_use(page, app_server, officer)
        _incident(page, "Bike taken from the rack outside")
        unsent(page, 0)
        page.wait_for_selector("#files:empty", state="attached")  # the photo was uploaded
        [sent] = _rows(app_server, officer.username, Submission)
        assert sent.status.value == "submitted"
        victim = {"person_role": "victim", "person_description": "Shop manager"}
        assert sent.data["people"] == [victim]
        assert sent.data["urgent"] == "yes"  # the calculation, recomputed by the server
        with app_server.db.unit_of_work() as session:
            review.decide(
                session,
                actor=Actor.system("test"),
                submission_id=sent.id,
                decision=ReviewDecision(decision="return", comments="Add the bike's frame number"),
            )
        page.click("#sync-now")
        page.wait_for_selector("#returned >> text=Add the bike's frame number")
        page.click("text=Reopen and correct")
        page.wait_for_selector("text=This corrects a returned submission.")
        summary = page.locator('[data-field="/data/summary"] input')
        assert summary.input_value() == "Bike taken from the rack outside"
        summary.fill("Bike taken from the rack outside; frame number WTU123")
        page.click("#submit-form")
        page.wait_for_selector("text=Submitted.")
        unsent(page, 0)
        rows = _rows(app_server, officer.username, Submission)
        assert len(rows) == 2
        assert {r.replaces for r in rows} == {None, sent.id}


class TestNotebook:
    def test_entry_and_amendment_are_appended_and_shown_together(
        self, context: Any, app_server: LiveServer
    ) -> None:
        officer = seed_officer(app_server)
        page = context.new_page()
        first_use(page, app_server, officer)
        page.click("#app-nav >> text=Notebook")
        page.fill("#notebook-add textarea", "14:02 arrived at Friar Gate; spoke to the manager")
        page.click("#notebook-add button[type=submit]")
        page.wait_for_selector("text=Entry added.")
        unsent(page, 0)
        page.click("#entries li >> text=Amend")
        page.fill("#notebook-amend input[name=reason]", "Wrong time written")
        page.fill("#notebook-amend textarea", "14:12 arrived at Friar Gate")
        page.click("#notebook-amend button[type=submit]")
        page.wait_for_selector("text=Amendment added.")
        unsent(page, 0)
        page.click("text=Load from server")
        page.wait_for_selector("#entries >> text=reason: Wrong time written")
        assert page.locator("#entries li").count() == 2
        entries = sorted(
            _rows(app_server, officer.username, NotebookEntry), key=lambda e: e.position
        )
        assert [e.device_number for e in entries] == [1, 2]
        assert entries[1].amends == entries[0].id


class TestBriefings:
    def test_team_briefing_arrives_with_a_sync(self, context: Any, app_server: LiveServer) -> None:
        officer = seed_officer(app_server)
        page = context.new_page()
        first_use(page, app_server, officer)
        with app_server.db.unit_of_work() as session:
            review.create_briefing(
                session,
                actor=Actor.system("test"),
                briefing_in=BriefingCreate(
                    team="Response A", title="Cycle thefts", body="Patrol the racks", priority=1
                ),
            )
        page.click("#sync-now")
        page.click("#app-nav >> text=Briefings")
        page.wait_for_selector("#briefings >> text=Cycle thefts")


class TestFingerprintSearch:
    def test_offline_search_says_it_needs_signal_and_keeps_nothing(
        self, context: Any, app_server: LiveServer
    ) -> None:
        officer = seed_officer(app_server)
        page = context.new_page()
        first_use(page, app_server, officer)
        before = dump_indexeddb(page)
        context.set_offline(True)
        page.click("#app-nav >> text=Fingerprint")
        page.set_input_files(
            "#fp-image",
            files=[{"name": "f.png", "mimeType": "image/png", "buffer": b"PROBE-BYTES-7731"}],
        )
        page.fill("#in-offence", "Theft")
        page.click("#fp-search")
        page.wait_for_selector("#fp-result >> text=needs signal")
        assert dump_indexeddb(page) == before
        assert "PROBE-BYTES" not in json.dumps(before)


class TestForgedReceipt:
    def test_a_receipt_that_does_not_verify_keeps_the_operation(
        self, context: Any, app_server: LiveServer
    ) -> None:
        officer = seed_officer(app_server)
        page = context.new_page()
        first_use(page, app_server, officer)

        def forge(route: Any) -> None:
            response = route.fetch()
            body = response.json()
            for receipt in body["receipts"]:
                receipt["status"] = "duplicate"  # not what the server signed
            route.fulfill(response=response, json=body)

        page.route("**/api/v1/mobile/sync/push", forge)
        page.click("#app-nav >> text=Notebook")
        page.fill("#notebook-add textarea", "Receipt check entry")
        page.click("#notebook-add button[type=submit]")
        page.wait_for_selector("#sync-error >> text=not signed by the server")
        unsent(page, 1)
        page.unroute("**/api/v1/mobile/sync/push")
        page.click("#sync-now")
        unsent(page, 0)  # the same batch again: the server's stored receipt, now verified
        assert len(_rows(app_server, officer.username, NotebookEntry)) == 1


class TestWitnessStatement:
    def test_mg11_signed_on_the_glass_is_bound_to_the_declaration_and_uploaded(
        self, context: Any, app_server: LiveServer
    ) -> None:
        officer = seed_officer(app_server)
        page = context.new_page()
        first_use(page, app_server, officer)
        page.click('[data-form="mg11"]')
        assert "true to the best of my knowledge" in page.inner_text("#declaration")
        page.fill('[data-field="/data/witness_name"] input', "Jo Witness")
        page.check('[data-field="/data/age_band"] input[value="over_18"]')
        page.fill('[data-field="/data/occupation"] input', "Shop manager")
        page.fill('[data-field="/data/page_count"] input', "1")
        page.fill('[data-field="/data/statement"] textarea', "I saw a man take the bicycle.")
        page.fill('[data-field="/data/signed_at"] input', "2026-11-29T11:00")
        box = page.locator('[data-field="/data/witness_signature"] canvas').bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 20, box["y"] + 20)
        page.mouse.down()
        page.mouse.move(box["x"] + 120, box["y"] + 50, steps=5)
        page.mouse.move(box["x"] + 200, box["y"] + 25, steps=5)
        page.mouse.up()
        page.click('[data-field="/data/witness_signature"] >> text=Keep signature')
        page.wait_for_selector('[data-field="/data/witness_signature"] >> text=Signed:')
        page.check('[data-field="/data/reader_needed"] input[value="no"]')
        page.fill('[data-field="/data/taken_by"] input', "PC 4321")
        page.fill('[data-field="/data/dates_to_avoid"] input', "none")
        for name, value in (("special_measures", "no"), ("consent_share", "yes")):
            page.check(f'[data-field="/data/{name}"] input[value="{value}"]')
        page.check('[data-field="/data/willing_to_attend"] input[value="yes"]')
        page.click("#submit-form")
        page.wait_for_selector("text=Submitted.")
        unsent(page, 0)
        page.wait_for_selector("#files:empty", state="attached")
        [row] = _rows(app_server, officer.username, Submission)
        assert row.status.value == "submitted"  # the signature arrived, checksummed
        assert row.data["witness_signature"].endswith(".png")
        assert len(row.data["envelope_sha256"]) == 64


class TestTokens:
    def test_an_expired_access_token_is_refreshed_once_and_sync_goes_on(
        self, context: Any, app_server: LiveServer
    ) -> None:
        officer = seed_officer(app_server)
        page = context.new_page()
        first_use(page, app_server, officer)
        before = page.evaluate(
            """async () => {
              const s = await import("/app/static/settings.js");
              const old = s.value("refresh_token");
              await s.update({ access_token: "expired-or-revoked" });
              return old;
            }"""
        )
        page.click("#app-nav >> text=Notebook")
        page.fill("#notebook-add textarea", "Token check entry")
        page.click("#notebook-add button[type=submit]")
        page.wait_for_selector("text=Entry added.")
        unsent(page, 0)
        after = page.evaluate(
            'async () => (await import("/app/static/settings.js")).value("refresh_token")'
        )
        assert after != before  # rotated, and the new pair is kept (encrypted)
        assert len(_rows(app_server, officer.username, NotebookEntry)) == 1


class TestInstallable:
    def test_app_opens_offline_from_one_versioned_cache_and_drops_old_ones(
        self, context: Any, app_server: LiveServer
    ) -> None:
        page = context.new_page()
        page.goto(app_server.url + "/app/")
        page.evaluate(WAIT_FOR_SERVICE_WORKER)
        version = page.evaluate(
            """async () => {
              await caches.open("peelian-app-0000stale");
              const registrations = await navigator.serviceWorker.getRegistrations();
              for (const r of registrations) await r.unregister();
              const text = await (await fetch("/app/sw.js")).text();
              return text.match(/const VERSION = "([0-9a-f]+)"/)[1];
            }"""
        )
        page.reload()
        page.evaluate(WAIT_FOR_SERVICE_WORKER)
        expect_keys = page.evaluate("async () => (await caches.keys()).sort()")
        assert expect_keys == [f"peelian-app-{version}"]
        context.set_offline(True)
        response = page.reload()
        assert response is not None
        assert response.from_service_worker
        page.wait_for_selector("#sign-in")
        header = "getComputedStyle(document.querySelector('.govuk-header')).backgroundColor"
        assert page.evaluate(header) == "rgb(29, 112, 184)"  # GOV.UK styles, from the cache
