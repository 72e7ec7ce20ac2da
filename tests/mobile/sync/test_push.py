"""Push: exactly once per (device, seq), signed receipts, typed refusals that change nothing."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peelian.core.audit.models import AuditEvent
from peelian.mobile.models import (
    NotebookEntry,
    Submission,
    SubmissionStatus,
    SyncOperation,
)
from peelian.mobile.notebook.chain import entry_hash
from peelian.mobile.notebook.service import entry_dict
from peelian.mobile.sync.protocol import payload_sha256, verify_receipt
from tests.fixtures.mobile import (
    OfficerDevice,
    officer_device,
    publish_forms,
    stop_search_data,
    submission,
)

PUSH = "/api/v1/mobile/sync/push"


def _push(client: TestClient, dev: OfficerDevice, ops: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    return client.post(PUSH, json={"ops": ops}, headers=dev.headers)


def _count(db_session: Session, model: type) -> int:
    return int(db_session.scalar(select(func.count()).select_from(model)) or 0)


class TestPush:
    def test_batch_is_applied_and_every_receipt_verifies(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        ops = [dev.op("submission.create", submission()) for _ in range(3)] + [dev.note("09:00 on")]
        res = _push(client, dev, ops)
        assert res.status_code == 200, res.text
        body = res.json()
        assert body["last_seq"] == 4
        key = client.get("/api/v1/mobile/sync/info", headers=dev.headers).json()
        for op, receipt in zip(ops, body["receipts"], strict=True):
            assert receipt["payload_sha256"] == payload_sha256(op["payload"])
            assert verify_receipt(key["receipt_public_key"], str(dev.device_id), receipt)
        assert key["last_seq"] == 4

    def test_replayed_batch_gets_the_same_receipts_and_applies_nothing(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        ops = [dev.op("submission.create", submission()) for _ in range(2)]
        first = _push(client, dev, ops).json()
        before = _count(db_session, Submission)
        again = _push(client, dev, ops)
        assert again.status_code == 200
        assert again.json()["receipts"] == first["receipts"]
        assert _count(db_session, Submission) == before

    def test_batch_with_a_gap_is_refused_with_the_expected_seq(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        dev.seq = 5
        res = _push(client, dev, [dev.op("submission.create", submission())])
        assert res.status_code == 409
        assert res.json()["type"].endswith("/sync-sequence-gap")
        assert res.json()["expected_seq"] == 1
        assert res.json()["action"] == "resend"

    def test_missing_grounds_are_refused_and_nothing_is_stored(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        data = stop_search_data()
        del data["grounds"]
        ops = [
            dev.op("submission.create", submission()),
            dev.op("submission.create", submission(data=data)),
        ]
        before = _count(db_session, SyncOperation)
        res = _push(client, dev, ops)
        assert res.status_code == 422
        problem = res.json()
        assert problem["type"].endswith("/sync-operation-invalid")
        assert problem["action"] == "fix"
        assert problem["seq"] == 2
        assert problem["errors"][0]["field"] == "/ops/1/payload/data/grounds"
        assert _count(db_session, SyncOperation) == before

    def test_no_suspicion_power_needs_authorisation_not_grounds(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        data = stop_search_data(power="cjpoa_s60", authorisation="Insp 123, s.60 auth 24/77")
        del data["grounds"]
        res = _push(client, dev, [dev.op("submission.create", submission(data=data))])
        assert res.status_code == 200, res.text

    def test_unknown_form_version_says_pull(self, client: TestClient, db_session: Session) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        res = _push(client, dev, [dev.op("submission.create", submission(version="1999"))])
        assert res.status_code == 422
        assert res.json()["type"].endswith("/form-version-unknown")
        assert res.json()["action"] == "pull"

    def test_token_without_a_device_is_told_to_register(
        self, client: TestClient, db_session: Session
    ) -> None:
        from tests.fixtures.auth import auth_header, token_for

        dev = officer_device(db_session)
        res = client.post(
            PUSH,
            json={"ops": [dev.op("notebook.append", {})]},
            headers=auth_header(token_for(client, dev.officer)),
        )
        assert res.status_code == 401
        assert res.json()["type"].endswith("/device-required")
        assert res.json()["action"] == "re-register"


class TestPushAccounting:
    def test_one_audit_event_names_every_record_the_batch_wrote(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        ops = [dev.op("submission.create", submission()) for _ in range(2)] + [dev.note("on duty")]
        assert _push(client, dev, ops).status_code == 200
        event = db_session.scalars(
            select(AuditEvent).where(AuditEvent.record_type == "sync_batch")
        ).one()
        assert event.actor_id == dev.officer.user.id
        assert event.detail["records"] == {
            "submission.create": [
                ops[0]["payload"]["submission_id"],
                ops[1]["payload"]["submission_id"],
            ],
            "notebook.append": [ops[2]["payload"]["entry_id"]],
        }

    def test_op_id_used_twice_in_one_batch_is_refused_and_nothing_is_stored(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        first = dev.op("submission.create", submission())
        second = dev.op("submission.create", submission())
        second["id"] = first["id"]
        res = _push(client, dev, [first, second])
        assert res.status_code == 409
        assert res.json()["type"].endswith("/sync-sequence-reused")
        assert res.json()["seq"] == 2
        assert _count(db_session, Submission) == 0

    def test_stored_rows_read_back_as_pushed(self, client: TestClient, db_session: Session) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        op = dev.op("submission.create", submission())
        note = dev.note("09:00 on", latitude=51.5, longitude=-0.12)
        body = _push(client, dev, [op, note]).json()
        sub = db_session.get(Submission, uuid.UUID(op["payload"]["submission_id"]))
        assert sub is not None
        assert sub.officer_id == dev.officer.user.id
        assert sub.status is SubmissionStatus.SUBMITTED
        assert sub.data["grounds"] == op["payload"]["data"]["grounds"]
        assert sub.completed_at == datetime.fromisoformat(op["payload"]["completed_at"])
        entry = db_session.get(NotebookEntry, uuid.UUID(note["payload"]["entry_id"]))
        assert entry is not None
        assert (entry.latitude, entry.longitude, entry.position) == (51.5, -0.12, 1)
        assert entry.hash == entry_hash(entry_dict(entry))
        row = db_session.get(SyncOperation, (dev.device_id, 1))
        assert row is not None
        assert (
            row.received_at.isoformat(timespec="microseconds") == body["receipts"][0]["received_at"]
        )
        assert str(row.record_id) == op["payload"]["submission_id"]
