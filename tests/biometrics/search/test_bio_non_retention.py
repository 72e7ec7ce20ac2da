"""Non-retention, proved: after real searches no probe byte is in the database, blob store,
job queue, logs or temporary files (PACE s.61(6A) prints must not be kept).

The app runs on its own committed database (a SQLite file, or a PostgreSQL schema), a file blob
store and a SQLite job queue, with logging at DEBUG. Searches send recognisable probes: PNG
scans whose tEXt chunk carries a unique marker, and native templates. Afterwards every place is
scanned for the marker, slices of the raw PNG and of its base64, the probe templates' bytes and
base64, and the probe's pixels.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from tests.conftest import TEST_SECRET
from tests.fixtures.auth import make_user
from tests.fixtures.biometrics_search import (
    ScanPair,
    centre_subset,
    enrol,
    native_b64,
    png_with_marker,
    search_body,
    template_fingers,
)
from tests.fixtures.mobile import officer_device
from tests.fixtures.records import make_flag, make_person

from peelian.auth.dependencies import SESSION_COOKIE, csrf_token_for
from peelian.auth.models import Role
from peelian.biometrics import engine
from peelian.biometrics.engine import formats
from peelian.biometrics.gallery import EnrolmentKey
from peelian.biometrics.service.gallery import gallery_for
from peelian.config import load_settings
from peelian.core.db.migrate import upgrade
from peelian.main import build_state, configure_logging, create_app
from peelian.schema import Base
from peelian.web.state import AppState

SEARCHES = "/api/v1/biometrics/searches"
MAX_SCAN_BYTES = 64 * 1024 * 1024


@dataclass
class Needles:
    """Byte strings that must appear nowhere once the searches are done."""

    items: dict[str, bytes]

    def add_bytes(self, name: str, data: bytes, width: int = 48) -> None:
        """A slice from the middle of `data`, and the same slice of its base64."""
        mid = len(data) // 2
        self.items[name] = data[mid : mid + width]
        b64 = base64.b64encode(data)
        m = (len(b64) // 2) // 4 * 4
        self.items[name + " (base64)"] = b64[m : m + 64]

    def found_in(self, blob: bytes) -> list[str]:
        """The needles present in `blob`."""
        return [name for name, needle in self.items.items() if needle in blob]


def _files(root: Path, since: float) -> Iterator[Path]:
    for dirpath, _dirs, names in os.walk(root, onerror=lambda _e: None):
        for name in names:
            path = Path(dirpath) / name
            try:
                st = path.stat()
            except OSError:
                continue
            if st.st_mtime >= since and 0 < st.st_size <= MAX_SCAN_BYTES and path.is_file():
                yield path


def _scan_files(roots: list[Path], since: float, needles: Needles) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    for root in roots:
        for path in _files(root, since):
            try:
                found = needles.found_in(path.read_bytes())
            except OSError:
                continue
            if found:
                hits[str(path)] = found
    return hits


def _scan_database(state: AppState, needles: Needles) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    with state.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                for value in row:
                    blob = value if isinstance(value, bytes) else repr(value).encode()
                    found = needles.found_in(blob)
                    if found:
                        hits.setdefault(table.name, []).extend(found)
    return hits


@pytest.fixture
def live_app(
    fresh_database_url: Callable[[str], str], tmp_path: Path
) -> Iterator[tuple[TestClient, AppState]]:
    """The real app on its own committed database, file blob store and SQLite job queue."""
    settings = load_settings(
        secret_key=TEST_SECRET,
        env="test",
        database_url=fresh_database_url(f"nonret_{uuid.uuid4().hex[:6]}"),
        var_dir=tmp_path / "var",
        storage_url=f"file://{tmp_path / 'blobs'}",
        max_body_bytes=1_048_576,
        bio_review_ttl_s=600,
        log_level="DEBUG",
    )
    state = build_state(settings)
    upgrade(state.db.engine)
    state.token_key = b"k" * 32  # the device-token factory signs with this key
    configure_logging("DEBUG")
    try:
        with TestClient(create_app(settings, state=state), base_url="http://testserver") as c:
            yield c, state
    finally:
        logging.getLogger().setLevel(logging.WARNING)
        state.db.dispose()


def _marked_probe_png(scan_pair: ScanPair, marker: bytes) -> bytes:
    image = np.asarray(Image.open(io.BytesIO(scan_pair.probe_png)).convert("L"))
    return png_with_marker(image, marker)


def test_probes_leave_no_trace(
    live_app: tuple[TestClient, AppState],
    scan_pair: ScanPair,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, state = live_app
    caplog.set_level(logging.DEBUG)
    started = time.time() - 1
    marker = f"NONRETENTION-{uuid.uuid4().hex}".encode()
    png = _marked_probe_png(scan_pair, marker)

    gallery_for(state).loaded.set()  # filled below, not by the background load
    with state.db.unit_of_work() as session:
        person = make_person(session, "Rita", "Retained")
        make_flag(session, person, kind="marker", code="violent", review_date="2030-01-01")
        enrolled = enrol(state, session, person.id, 31)
        extracted = engine.extract(scan_pair.enrol_png, finger_position=3)
        gallery_for(state).index.add(EnrolmentKey(person.id, 3), extracted)
        dev = officer_device(session)
        examiner = make_user(session, Role.FINGERPRINT_EXAMINER)
        officer = make_user(session, Role.OFFICER)
    template_probe = enrolled.probe(77)
    weak = enrolled.probe(78)[0]
    weak = next(
        centre_subset(weak, k)
        for k in range(4, len(weak))
        if 42 <= engine.compare(centre_subset(weak, k), enrolled.enrolled[2]) <= 58
    )
    needles = Needles({"marker": marker})
    needles.add_bytes("probe PNG", png)
    for i, t in enumerate([*template_probe, weak]):
        needles.add_bytes(f"probe template {i}", formats.serialize(t), width=40)
    probe_template = engine.extract(png, finger_position=3)
    needles.add_bytes("template extracted from the probe", formats.serialize(probe_template))
    pixels = engine.load_image(png)
    needles.items["probe pixels"] = pixels[pixels.shape[0] // 2, 40:104].tobytes()

    image_finger = {"position": 3, "image_b64": base64.b64encode(png).decode()}
    identified = client.post(SEARCHES, json=search_body([image_finger]), headers=dev.headers)
    assert identified.json()["identified"] is True, identified.text
    assert (
        client.post(
            SEARCHES, json=search_body(template_fingers(template_probe)), headers=dev.headers
        ).json()["outcome"]
        == "AMBER"
    )
    possible = client.post(
        SEARCHES, json=search_body(template_fingers([weak])), headers=dev.headers
    )
    review_id = possible.json()["review"]["id"]
    # Refused probes: a marked non-fingerprint image and a corrupt template.
    noise = png_with_marker(np.random.default_rng(1).integers(0, 256, (300, 300), np.uint8), marker)
    needles.add_bytes("refused noise PNG", noise)
    refused = client.post(
        SEARCHES,
        json=search_body([{"position": 2, "image_b64": base64.b64encode(noise).decode()}]),
        headers=dev.headers,
    )
    assert refused.status_code == 422
    bad = [{"position": 2, "template_b64": native_b64(weak)[:-8] + "AAAAAAAA",
            "template_format": "iso19794-2"}]  # fmt: skip
    assert client.post(SEARCHES, json=search_body(bad), headers=dev.headers).status_code == 422
    # The officer page, multipart upload.
    login = {"username": officer.user.username, "password": officer.password,
             "totp": officer.code() or ""}  # fmt: skip
    assert client.post("/login", data=login, follow_redirects=False).status_code == 303
    csrf = csrf_token_for(state.token_key, client.cookies[SESSION_COOKIE])
    page = client.post(
        "/biometrics/search",
        data={
            "csrf_token": csrf,
            "position_1": "3",
            "reason": "name-unknown",
            "power": "pace-s61-6a",
            "offence": "Criminal damage",
        },
        files={"scan_1": ("scan.png", png, "image/png")},
        headers={"accept": "text/html"},
    )
    assert 'data-outcome="AMBER"' in page.text
    # The examiner renders the comparison (from memory), then decides.
    client.cookies.clear()
    login = {"username": examiner.user.username, "password": examiner.password,
             "totp": examiner.code() or ""}  # fmt: skip
    assert client.post("/login", data=login, follow_redirects=False).status_code == 303
    assert client.get(f"/biometrics/reviews/{review_id}/fingers/2.png").status_code == 200
    csrf = csrf_token_for(state.token_key, client.cookies[SESSION_COOKIE])
    decided = client.post(
        f"/biometrics/reviews/{review_id}/decision",
        data={"csrf_token": csrf, "decision": "confirm"},
        follow_redirects=False,
    )
    assert decided.status_code == 303

    # No response echoes a probe either.
    for res in (identified, possible, refused, page):
        assert not needles.found_in(res.content), res.text[:300]

    out, err = capfd.readouterr()
    logs = (out + err + caplog.text).encode()
    assert logs, "nothing was logged: the log scan would prove nothing"
    assert needles.found_in(logs) == []
    assert _scan_database(state, needles) == {}
    state.db.dispose()
    roots = [tmp_path, Path(tempfile.gettempdir())]
    if os.environ.get("TMPDIR"):
        roots.append(Path(os.environ["TMPDIR"]))
    assert (tmp_path / "var" / "queue.db").exists()
    # The scan finds a needle where one is: a control file written by the test itself.
    control = tmp_path / "control.bin"
    control.write_bytes(b"x" + png + b"y")
    hits = _scan_files(roots, started, needles)
    assert {"marker", "probe PNG"} <= set(hits.pop(str(control)))
    assert hits == {}
