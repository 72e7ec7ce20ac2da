"""Review and conflicts: supervisors decide, officers' devices hear, both versions are kept."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.core.ids import uuid7
from peelian.mobile.sync.protocol import verify_receipt
from tests.fixtures.auth import auth_header, make_user, token_for
from tests.fixtures.mobile import officer_device, publish_forms, submission

PUSH = "/api/v1/mobile/sync/push"


class TestReview:
    def test_accepted_submission_becomes_a_record_and_the_officer_is_told(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        payload = submission()
        client.post(PUSH, json={"ops": [dev.op("submission.create", payload)]}, headers=dev.headers)
        sup = auth_header(token_for(client, make_user(db_session, Role.SUPERVISOR)))
        queue = client.get("/api/v1/mobile/submissions", headers=sup).json()
        assert payload["submission_id"] in [s["id"] for s in queue]
        url = f"/api/v1/mobile/submissions/{payload['submission_id']}/review"
        res = client.post(url, json={"decision": "accept"}, headers=sup)
        assert res.json()["record_ref"].startswith("stop_search:SS-")
        assert client.post(url, json={"decision": "accept"}, headers=sup).status_code == 409
        pulled = client.post("/api/v1/mobile/sync/pull", json={}, headers=dev.headers).json()
        outcome = [c for c in pulled["changes"] if c["record_id"] == payload["submission_id"]]
        assert outcome[-1]["data"]["status"] == "accepted"

    def test_returning_needs_comments(self, client: TestClient, db_session: Session) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        payload = submission()
        client.post(PUSH, json={"ops": [dev.op("submission.create", payload)]}, headers=dev.headers)
        sup = auth_header(token_for(client, make_user(db_session, Role.SUPERVISOR)))
        url = f"/api/v1/mobile/submissions/{payload['submission_id']}/review"
        assert client.post(url, json={"decision": "return"}, headers=sup).status_code == 422

    def test_review_page_accepts_through_htmx(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        payload = submission()
        client.post(PUSH, json={"ops": [dev.op("submission.create", payload)]}, headers=dev.headers)
        sup = make_user(db_session, Role.SUPERVISOR)
        form = {"username": sup.user.username, "password": sup.password, "totp": sup.code() or ""}
        client.post("/login", data=form, follow_redirects=False)
        page = client.get("/mobile/review", headers={"accept": "text/html"})
        assert payload["submission_id"] in page.text
        from peelian.auth.dependencies import SESSION_COOKIE, csrf_token_for

        csrf = csrf_token_for(b"k" * 32, client.cookies[SESSION_COOKIE])
        res = client.post(
            f"/mobile/review/{payload['submission_id']}",
            data={"decision": "accept", "csrf_token": csrf},
            headers={"hx-request": "true", "accept": "text/html"},
        )
        assert res.status_code == 200
        assert "accepted" in res.text
        frontline = client.get("/mobile/frontline", headers={"accept": "text/html"})
        assert "stop_search" in frontline.text


class TestConflicts:
    def test_two_devices_editing_one_draft_keep_both_versions_for_a_supervisor(
        self, client: TestClient, db_session: Session
    ) -> None:
        a, b = officer_device(db_session), officer_device(db_session)
        draft = str(uuid7())
        first = {"draft_id": draft, "form_id": "incident", "base_version": 0, "data": {"s": "A0"}}
        client.post(PUSH, json={"ops": [a.op("draft.save", first)]}, headers=a.headers)
        mine = dict(first, base_version=1, data={"s": "A1"})
        theirs = dict(first, base_version=1, data={"s": "B1"})
        client.post(PUSH, json={"ops": [a.op("draft.save", mine)]}, headers=a.headers)
        res = client.post(PUSH, json={"ops": [b.op("draft.save", theirs)]}, headers=b.headers)
        receipt = res.json()["receipts"][0]
        assert receipt["status"] == "conflict"
        key = client.get("/api/v1/mobile/sync/info", headers=b.headers).json()["receipt_public_key"]
        assert verify_receipt(key, str(b.device_id), receipt)
        sup = auth_header(token_for(client, make_user(db_session, Role.SUPERVISOR)))
        conflicts = client.get("/api/v1/mobile/conflicts", headers=sup).json()
        mine_c = [c for c in conflicts if c["draft_id"] == draft]
        assert mine_c[0]["server_data"] == {"s": "A1"}
        assert mine_c[0]["device_data"] == {"s": "B1"}
        url = f"/api/v1/mobile/conflicts/{mine_c[0]['id']}/resolve"
        done = client.post(url, json={"choose": "merged", "data": {"s": "A1+B1"}}, headers=sup)
        assert done.json()["status"] == "resolved"
        assert done.json()["device_data"] == {"s": "B1"}


class TestReceipts:
    def test_forged_or_other_devices_receipts_are_refused(
        self, client: TestClient, db_session: Session
    ) -> None:
        a, b = officer_device(db_session), officer_device(db_session)
        res = client.post(PUSH, json={"ops": [a.note("0900 note")]}, headers=a.headers)
        receipt = res.json()["receipts"][0]
        verify = "/api/v1/mobile/sync/receipts/verify"
        assert client.post(verify, json=receipt, headers=a.headers).status_code == 204
        assert client.post(verify, json=receipt, headers=b.headers).status_code == 422
        forged = dict(receipt, status="duplicate")
        bad = client.post(verify, json=forged, headers=a.headers)
        assert bad.json()["type"].endswith("/receipt-invalid")

    def test_seq_reused_for_another_op_is_refused(
        self, client: TestClient, db_session: Session
    ) -> None:
        a = officer_device(db_session)
        client.post(PUSH, json={"ops": [a.note("0900 note")]}, headers=a.headers)
        a.seq = 0
        res = client.post(PUSH, json={"ops": [a.note("0901 other")]}, headers=a.headers)
        assert res.status_code == 409
        assert res.json()["type"].endswith("/sync-sequence-reused")


class TestNotebook:
    def test_amendment_of_nothing_is_refused_and_gaps_are_visible(
        self, client: TestClient, db_session: Session
    ) -> None:
        a = officer_device(db_session)
        bad = a.note("fix", amends=str(uuid7()), reason="typo")
        res = client.post(PUSH, json={"ops": [bad]}, headers=a.headers)
        assert res.status_code == 422
        a.seq -= 1
        a.notebook_number = 0
        first = a.note("0700 on duty")
        a.notebook_number = 2  # entry 2 never arrives
        later = a.note("0900 off duty")
        amend = a.note(
            "0700 on duty at Ashford", amends=first["payload"]["entry_id"], reason="station omitted"
        )
        res = client.post(PUSH, json={"ops": [first, later, amend]}, headers=a.headers)
        assert res.status_code == 200, res.text
        book = client.get("/api/v1/mobile/notebook/entries", headers=a.headers).json()
        assert [e["position"] for e in book["entries"]] == [1, 2, 3]
        assert book["gaps"] == [{"device_id": str(a.device_id), "missing": [2]}]
        assert book["entries"][2]["amends"] == first["payload"]["entry_id"]
        assert book["entries"][1]["prev_hash"] == book["entries"][0]["hash"]
