"""The officer app's capture inputs in Chromium: a GPS fix from the phone's location and an
audio recording, through the encrypted store and sync to the server with their checksums."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from peelian.auth.models import User
from peelian.core.audit import Actor
from peelian.mobile.forms import service as forms
from peelian.mobile.models import Attachment, Submission
from tests.browser.pwa import dump_indexeddb, first_use, seed_officer, unsent
from tests.mobile.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# A tiny but well-formed WAV: 8 kHz mono 16-bit, 800 samples of a ramp.
_PCM = b"".join(((i * 40) % 32768).to_bytes(2, "little") for i in range(800))
WAV = (
    b"RIFF" + (36 + len(_PCM)).to_bytes(4, "little") + b"WAVEfmt "
    + (16).to_bytes(4, "little") + (1).to_bytes(2, "little") + (1).to_bytes(2, "little")
    + (8000).to_bytes(4, "little") + (16000).to_bytes(4, "little") + (2).to_bytes(2, "little")
    + (16).to_bytes(2, "little") + b"data" + len(_PCM).to_bytes(4, "little") + _PCM
)  # fmt: skip


def _field_note_form(form_id: str) -> bytes:
    """An XLSForm with a note, a required GPS position and a required voice recording."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "survey"
    ws.append(["type", "name", "label", "required"])
    ws.append(["text", "note", "Note", "yes"])
    ws.append(["geopoint", "where", "Where you are", "yes"])
    ws.append(["audio", "voice", "Voice note", "yes"])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Field note", form_id, "1"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows(server: LiveServer, username: str, form_id: str) -> list[Submission]:
    with server.session() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        stmt = select(Submission).where(
            Submission.officer_id == user.id, Submission.form_id == form_id
        )
        return list(session.scalars(stmt))


class TestLocationAndAudio:
    def test_gps_fix_and_voice_note_are_kept_encrypted_then_arrive_whole(
        self, context: Any, app_server: LiveServer
    ) -> None:
        form_id = f"field_note_{uuid.uuid4().hex[:6]}"
        with app_server.db.unit_of_work() as session:
            forms.publish(session, actor=Actor.system("test"), content=_field_note_form(form_id))
        context.grant_permissions(["geolocation"], origin=app_server.url)
        context.set_geolocation({"latitude": 52.9225, "longitude": -1.4746, "accuracy": 12})
        officer = seed_officer(app_server)
        page = context.new_page()
        first_use(page, app_server, officer)

        context.set_offline(True)
        page.wait_for_selector("#net >> text=Offline")
        page.click(f'[data-form="{form_id}"]')
        page.fill('[data-field="/data/note"] input', "Gate forced at the allotments")
        page.click('[data-field="/data/where"] >> text=Use my location')
        page.wait_for_selector('[data-field="/data/where"] >> text=Accurate to about 12 m')
        where = page.input_value('[data-field="/data/where"] input')
        assert where.startswith("52.922500 -1.474600")
        page.set_input_files(
            '[data-field="/data/voice"] input[type=file]',
            files=[{"name": "voice.wav", "mimeType": "audio/wav", "buffer": WAV}],
        )
        page.wait_for_selector('[data-field="/data/voice"] >> text=Attached:')
        page.click("#submit-form")
        page.wait_for_selector("text=It will be sent when there is signal")
        unsent(page, 1)

        at_rest = json.dumps(dump_indexeddb(page), ensure_ascii=False)
        assert "52.922500" not in at_rest
        assert "allotments" not in at_rest
        assert "RIFF" not in at_rest

        context.set_offline(False)
        unsent(page, 0)
        page.wait_for_selector("#files:empty", state="attached")  # the recording was uploaded
        [row] = _rows(app_server, officer.username, form_id)
        assert row.data["where"] == where
        with app_server.session() as session:
            [voice] = session.scalars(select(Attachment).where(Attachment.submission_id == row.id))
            assert voice.name == row.data["voice"]
            assert voice.sha256 == hashlib.sha256(WAV).hexdigest()
            assert voice.size == len(WAV)
            assert voice.content_type == "audio/wav"
            assert voice.received_at is not None
