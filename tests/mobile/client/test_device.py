"""The device client against a real server process: register, capture offline, sync, review."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from peelian.auth.models import Role
from peelian.mobile.client import Api, DeviceClient, DeviceStore, ProblemError
from peelian.mobile.models import Submission, SubmissionStatus
from tests.fixtures.mobile import mg11_data, stop_search_data
from tests.mobile.live import PASSWORD, LiveServer, code_now

SS = ("stop_search", "2023-12-20.1")


def device(live: LiveServer, tmp_path: Path, *, role: Role = Role.OFFICER) -> DeviceClient:
    """A registered, signed-in device for a fresh officer."""
    name = f"pc-{uuid.uuid4().hex[:8]}"
    secret = live.make_officer(name, role)
    client = DeviceClient(DeviceStore(tmp_path / f"{name}.db"), Api(live.url))
    client.register(name, PASSWORD, code_now(secret))
    return client


class TestCaptureAndSync:
    def test_submission_syncs_once_and_the_outbox_empties(
        self, live_server: LiveServer, tmp_path: Path
    ) -> None:
        dev = device(live_server, tmp_path)
        sid = dev.submit(*SS, stop_search_data())
        dev.note("0700 booked on duty")
        report = dev.sync()
        assert report.pushed == 2
        assert dev.status()["unsent"] == 0
        assert dev.status()["acknowledged"] == 2
        with live_server.session() as s:
            assert s.get(Submission, uuid.UUID(sid)) is not None
        assert dev.push().pushed == 0

    def test_invalid_submission_is_held_on_the_device_and_the_rest_go(
        self, live_server: LiveServer, tmp_path: Path
    ) -> None:
        dev = device(live_server, tmp_path)
        bad = stop_search_data()
        del bad["grounds"]
        dev.submit(*SS, bad)
        good = dev.submit(*SS, stop_search_data())
        report = dev.push()
        assert report.pushed == 1
        assert "grounds" in report.held[0] or "ops/0" in report.held[0]
        assert dev.status()["held"] == 1
        with live_server.session() as s:
            assert s.get(Submission, uuid.UUID(good)) is not None

    def test_signed_statement_waits_for_its_signature_file(
        self, live_server: LiveServer, tmp_path: Path
    ) -> None:
        dev = device(live_server, tmp_path)
        signature = tmp_path / "sig.png"
        signature.write_bytes(b"\x89PNG" + bytes(range(256)) * 2000)  # ~0.5 MB: two chunks
        sid = dev.submit("mg11", "2025.2", mg11_data("x"), attachments={"signature.png": signature})
        dev.push()
        with live_server.session() as s:
            sub = s.get(Submission, uuid.UUID(sid))
            assert sub is not None
            assert sub.status is SubmissionStatus.AWAITING_ATTACHMENTS
        assert dev.upload_files() == 1
        with live_server.session() as s:
            sub = s.get(Submission, uuid.UUID(sid))
            assert sub is not None
            assert sub.status is SubmissionStatus.SUBMITTED

    def test_review_outcome_reaches_the_device(
        self, live_server: LiveServer, tmp_path: Path
    ) -> None:
        dev = device(live_server, tmp_path)
        sid = dev.submit(*SS, stop_search_data())
        dev.sync()
        sup = device(live_server, tmp_path, role=Role.SUPERVISOR)
        sup.api.call(
            "POST",
            f"/api/v1/mobile/submissions/{sid}/review",
            json={"decision": "return", "comments": "Add the street number"},
        )
        dev.pull()
        outcomes = dict(dev.store.records("submission"))
        assert outcomes[sid]["status"] == "returned"
        assert outcomes[sid]["comments"] == "Add the street number"
        assert dev.store.records("form_version")

    def test_revoked_device_keeps_its_data(self, live_server: LiveServer, tmp_path: Path) -> None:
        dev = device(live_server, tmp_path)
        dev.submit(*SS, stop_search_data())
        admin_name = f"admin-{uuid.uuid4().hex[:6]}"
        secret = live_server.make_officer(admin_name, Role.ADMINISTRATOR, team="HQ")
        admin = Api(live_server.url)
        admin.token = admin.call(
            "POST",
            "/api/v1/auth/token",
            json={"username": admin_name, "password": PASSWORD, "totp": code_now(secret)},
        ).json()["access_token"]
        admin.call("POST", f"/api/v1/devices/{dev.device_id}/revoke")
        with pytest.raises(ProblemError) as caught:
            dev.push()
        assert caught.value.action == "re-register"
        assert dev.status()["unsent"] == 1
