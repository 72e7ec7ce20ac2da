"""A search holds no database transaction while it searches the gallery (ADR 0015).

On SQLite an open transaction holds the process's writer lock, so a search that searched inside
its transaction would make every other request wait for it. Here the search is held inside
the gallery (a real index that waits for the test's signal) while another request uses the
database; if the search still held the lock, that request would wait out the 30 s lock timeout
and fail.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx2 as httpx
from fastapi.testclient import TestClient
from tests.conftest import TEST_SECRET
from tests.fixtures.biometrics_enrol import synthetic_templates
from tests.fixtures.biometrics_search import search_body, template_fingers
from tests.fixtures.mobile import TOKEN_KEY, officer_device

from peelian.biometrics import engine
from peelian.biometrics.gallery import Candidate, GalleryIndex
from peelian.biometrics.service.gallery import gallery_for, load_gallery
from peelian.config import load_settings
from peelian.core.db.migrate import upgrade
from peelian.core.ids import uuid7
from peelian.main import create_app

URL = "/api/v1/biometrics/searches"


class _HeldIndex(GalleryIndex):
    """A real gallery index whose searches wait, once inside, until the test lets them go."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = threading.Event()
        self.go = threading.Event()

    def search(
        self, probes: Sequence[engine.Template], *, top: int = 10, min_score: float = 0.0
    ) -> list[Candidate]:
        self.inside.set()
        assert self.go.wait(60), "the test never let the search go"
        return super().search(probes, top=top, min_score=min_score)


def test_other_requests_use_the_database_while_a_search_is_in_the_gallery(
    fresh_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    settings = load_settings(
        secret_key=TEST_SECRET,
        env="test",
        database_url=fresh_database_url("biolock"),
        var_dir=tmp_path / "var",
        storage_url=f"file://{tmp_path / 'blobs'}",
    )
    app = create_app(settings)
    state = app.state.peelian
    state.token_key = TOKEN_KEY
    upgrade(state.db.engine)
    with state.db.unit_of_work() as session:
        officer = officer_device(session)
    index = _HeldIndex()
    holder = gallery_for(state)
    holder.index = index
    load_gallery(state.db, holder)
    body = search_body(template_fingers(list(synthetic_templates(3).values())))
    answers: list[httpx.Response] = []
    try:
        with TestClient(app) as client:
            searching = threading.Thread(
                target=lambda: answers.append(client.post(URL, json=body, headers=officer.headers))
            )
            searching.start()
            try:
                assert index.inside.wait(60)
                # Authentication and the device check read and write the database.
                other = client.get(f"{URL}/{uuid7()}", headers=officer.headers)
            finally:
                index.go.set()
                searching.join(60)
        assert other.status_code == 404, other.text
        assert [a.status_code for a in answers] == [200]
        assert answers[0].json()["outcome"] == "GREEN"
    finally:
        state.db.dispose()
