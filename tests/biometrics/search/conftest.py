"""Fixtures for mobile search and review: people with flags, enrolled prints, probes, devices."""

from __future__ import annotations

import base64
import dataclasses
import io
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from sqlalchemy.orm import Session

from peelian.biometrics import engine
from peelian.biometrics.engine import formats, synthesis
from peelian.biometrics.gallery import EnrolmentKey
from peelian.biometrics.gallery import synthetic as syn
from peelian.biometrics.service.gallery import gallery_for
from peelian.biometrics.service.search import thresholds
from peelian.config import Settings, load_settings
from peelian.core.time import utcnow
from peelian.web.state import AppState
from tests.conftest import TEST_SECRET
from tests.fixtures.records import make_flag, make_person

FINGERS = (2, 7)


@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    """As the suite's settings, with room for two scans in a body."""
    return load_settings(
        secret_key=TEST_SECRET,
        env="test",
        var_dir=tmp_path / "var",
        storage_url=f"file://{tmp_path / 'blobs'}",
        max_body_bytes=1_048_576,
    )


def native_b64(template: engine.Template) -> str:
    """A template as the API's native template_b64."""
    return base64.b64encode(formats.serialize(template)).decode()


def template_fingers(templates: list[engine.Template]) -> list[dict[str, object]]:
    """API finger items for template probes."""
    return [
        {"position": t.finger_position, "template_b64": native_b64(t), "template_format": "native"}
        for t in templates
    ]


def search_body(fingers: list[dict[str, object]], **extra: object) -> dict[str, object]:
    """A complete search request."""
    body: dict[str, object] = {
        "fingers": fingers,
        "power": "pace-s61-6a",
        "reason": "name-unknown",
        "offence": "Theft from a motor vehicle",
        "location": {"lat": 52.92, "lon": -1.47},
    }
    body.update(extra)
    return body


def centre_subset(t: engine.Template, k: int) -> engine.Template:
    """The k minutiae nearest the centre of a template (a weaker probe)."""
    idx = np.argsort(np.hypot(t.x - t.x.mean(), t.y - t.y.mean()))[:k]
    return dataclasses.replace(
        t, x=t.x[idx], y=t.y[idx], angle=t.angle[idx], kind=t.kind[idx], quality=t.quality[idx]
    )


@dataclass
class Enrolled:
    """A records person with two synthetic fingers in the gallery."""

    person_id: uuid.UUID
    masters: dict[int, syn.Master]
    enrolled: dict[int, engine.Template]

    def probe(self, seed: int) -> list[engine.Template]:
        """A fresh two-finger impression (mated probe)."""
        rng = np.random.default_rng([seed, 99])
        return [syn.impression(self.masters[f], rng, finger_position=f) for f in FINGERS]


@dataclass
class Population:
    """Wanted (RED), weapons marker (AMBER) and clean (GREEN) people, enrolled."""

    red: Enrolled
    amber: Enrolled
    green: Enrolled
    state: AppState

    def outsider(self, seed: int) -> list[engine.Template]:
        """A two-finger probe of someone never enrolled."""
        rng = np.random.default_rng([seed, 7])
        return [syn.impression(syn.master(rng), rng, finger_position=f) for f in FINGERS]

    def possible(self, who: Enrolled) -> engine.Template:
        """A one-finger probe of `who` whose score lands in the possible-match band."""
        limits = thresholds(len(gallery_for(self.state).index))
        probe = who.probe(5)[0]
        for k in range(4, len(probe)):
            weak = centre_subset(probe, k)
            score = engine.compare(weak, who.enrolled[2])
            if limits.possible + 2 <= score <= limits.identified - 2:
                return weak
        raise AssertionError("no subset of the probe scores in the possible band")


def enrol(state: AppState, person_id: uuid.UUID, seed: int) -> Enrolled:
    """Put two synthetic fingers of a new master pair in the app's gallery."""
    rng = np.random.default_rng([seed, 1])
    masters = {f: syn.master(rng) for f in FINGERS}
    enrolled = {f: syn.impression(masters[f], rng, finger_position=f) for f in FINGERS}
    index = gallery_for(state).index
    for f in FINGERS:
        index.add(EnrolmentKey(person_id, f), enrolled[f])
    return Enrolled(person_id, masters, enrolled)


@pytest.fixture
def population(db_session: Session, app_state: AppState) -> Population:
    """Three enrolled people with flags that make their checks RED, AMBER and GREEN."""
    red = make_person(db_session, "Wanda", "Wanted")
    make_flag(db_session, red, kind="wanted", offence="Burglary", expires_at=soon(86400))
    amber = make_person(db_session, "Arthur", "Armed")
    make_flag(db_session, amber, kind="marker", code="weapons", review_date="2030-01-01")
    green = make_person(db_session, "Gary", "Green")
    db_session.commit()
    return Population(
        red=enrol(app_state, red.id, 11),
        amber=enrol(app_state, amber.id, 12),
        green=enrol(app_state, green.id, 13),
        state=app_state,
    )


@dataclass(frozen=True)
class ScanPair:
    """Two rendered impressions of one synthetic finger, as PNG files with a marker."""

    enrol_png: bytes
    probe_png: bytes
    marker: bytes


def png_with_marker(image: np.ndarray, marker: bytes) -> bytes:
    """Encode a grey image as PNG carrying a unique marker in a tEXt chunk."""
    info = PngInfo()
    info.add_text("peelian-test", marker.decode())
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PNG", pnginfo=info, dpi=(500, 500))
    return buf.getvalue()


@pytest.fixture(scope="session")
def scan_pair() -> ScanPair:
    """Rendered impressions of one synthetic finger (made once: about 3 s)."""
    master = synthesis.synthesize_finger(4242)
    marker = f"PROBE-MARKER-{uuid.uuid4().hex}".encode()
    a = synthesis.synthesize_impression(master, 1).image
    b = synthesis.synthesize_impression(master, 2).image
    return ScanPair(png_with_marker(a, b"enrolment"), png_with_marker(b, marker), marker)


def noise_png() -> bytes:
    """A PNG of random noise: an image, but not a fingerprint."""
    rng = np.random.default_rng(3)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (300, 300), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def soon(seconds: float) -> datetime:
    """A moment a little in the future (UTC)."""
    return utcnow() + timedelta(seconds=seconds)
