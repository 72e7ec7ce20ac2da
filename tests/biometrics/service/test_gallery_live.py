"""The live gallery: loaded from the database, kept consistent through the change log."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET
from tests.fixtures.biometrics_enrol import synthetic_templates
from tests.fixtures.records import make_person

from peelian.biometrics.gallery import GalleryIndex, ShardedGalleryIndex
from peelian.biometrics.gallery import synthetic as syn
from peelian.biometrics.service import enrolment, gallery
from peelian.biometrics.service.gallery import GalleryHolder, GalleryLoading
from peelian.config import load_settings
from peelian.core.audit import Actor
from peelian.core.db import create_database
from peelian.core.db.migrate import upgrade
from peelian.main import create_app
from peelian.web.problems import install_problem_handlers
from peelian.web.state import AppState

ACTOR = Actor.system("test")


def _enrol(session: Session, holder: GalleryHolder | None, seed: int) -> uuid.UUID:
    person = make_person(session, "Gal", f"Lery{seed}")
    enrolment.enrol_templates(
        session,
        actor=ACTOR,
        holder=holder,
        person_id=person.id,
        templates=synthetic_templates(seed),
    )
    session.commit()
    return person.id


def _probe(seed: int) -> list:  # type: ignore[type-arg]
    """Fresh impressions of the same synthetic fingers that synthetic_templates(seed) drew."""
    rng = np.random.default_rng(seed)
    masters = {}
    for f in (2, 7):
        masters[f] = syn.master(rng)
        syn.impression(masters[f], rng, finger_position=f)
    other = np.random.default_rng(seed + 10_000)
    return [syn.impression(masters[f], other, finger_position=f) for f in (2, 7)]


def _found(holder: GalleryHolder, seed: int) -> uuid.UUID | None:
    top = holder.index.search(_probe(seed), top=1, min_score=40)
    return top[0].subject_id if top else None


class TestLoadGallery:
    def test_loads_every_enrolled_finger_from_the_database(
        self, db_session: Session, app_state: AppState
    ) -> None:
        people = [_enrol(db_session, None, seed) for seed in (1, 2, 3)]
        holder = GalleryHolder(GalleryIndex())
        assert gallery.load_gallery(app_state.db, holder, batch=2) == 6
        assert holder.loaded.is_set()
        assert len(holder.index) == 6
        assert _found(holder, 2) == people[1]
        assert gallery.sync_gallery(db_session, holder) == 0  # already at the head

    def test_live_gallery_starts_the_load_and_searches_see_it(
        self, db_session: Session, app_state: AppState
    ) -> None:
        person = _enrol(db_session, None, 4)
        holder = gallery.live_gallery(db_session, app_state, wait_s=30)
        assert holder is gallery.gallery_for(app_state)
        assert _found(holder, 4) == person

    def test_searches_before_the_load_completes_get_503(
        self, db_session: Session, app_state: AppState
    ) -> None:
        holder = gallery.gallery_for(app_state)
        holder.loading = threading.Thread(target=lambda: None)  # a load under way, not finished
        with pytest.raises(GalleryLoading, match="still loading") as err:
            gallery.live_gallery(db_session, app_state, wait_s=0)
        assert err.value.status == 503
        assert err.value.headers["Retry-After"] == "5"


class TestSyncGallery:
    def test_a_second_process_replays_enrolments_and_deletions(
        self, db_session: Session, app_state: AppState, holder: GalleryHolder
    ) -> None:
        other = GalleryHolder(GalleryIndex())  # another server process's gallery
        gallery.load_gallery(app_state.db, other)
        person = _enrol(db_session, holder, 5)
        assert _found(holder, 5) == person
        assert _found(other, 5) is None
        assert gallery.sync_gallery(db_session, other) == 1
        assert _found(other, 5) == person
        enrolment.unenrol(
            db_session,
            actor=ACTOR,
            store=None,
            holder=holder,
            person_id=person,
            reason="record destroyed on appeal",
        )
        db_session.commit()
        assert _found(holder, 5) is None
        assert gallery.sync_gallery(db_session, other) == 1
        assert _found(other, 5) is None
        assert len(other.index) == 0
        assert other.cursor == holder.cursor

    def test_replay_is_idempotent_and_follows_the_database(
        self, db_session: Session, app_state: AppState, holder: GalleryHolder
    ) -> None:
        person = _enrol(db_session, holder, 6)
        enrolment.enrol_templates(
            db_session, actor=ACTOR, holder=None, person_id=person, templates=synthetic_templates(7)
        )
        db_session.commit()
        holder.cursor = 0  # replay everything, including what this process applied itself
        gallery.sync_gallery(db_session, holder)
        assert len(holder.index) == 2
        assert _found(holder, 7) == person
        assert _found(holder, 6) is None


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    except Exception as exc:  # any failure to start means there is no Ray here
        pytest.skip(f"a local Ray cluster could not start: {exc}")
    yield
    ray.shutdown()


class TestShardedGallery:
    def test_two_ray_workers_load_search_and_forget(
        self, db_session: Session, app_state: AppState, ray_cluster: None
    ) -> None:
        app_state.settings = app_state.settings.model_copy(update={"bio_gallery_shards": 2})
        people = [_enrol(db_session, None, seed) for seed in range(10, 16)]
        holder = gallery.live_gallery(db_session, app_state, wait_s=60)
        try:
            assert isinstance(holder.index, ShardedGalleryIndex)
            assert len(holder.index) == 12
            assert holder.size == 12  # kept by the holder: searches do not ask the shards
            assert _found(holder, 12) == people[2]
            enrolment.unenrol(
                db_session,
                actor=ACTOR,
                store=None,
                holder=holder,
                person_id=people[2],
                reason="destroyed: no further action",
            )
            db_session.commit()
            assert len(holder.index) == 10
            assert holder.size == 10
            assert _found(holder, 12) is None
            assert _found(holder, 13) == people[3]
        finally:
            holder.index.close()  # type: ignore[union-attr]


@pytest.mark.db
class TestStartUp:
    def test_the_app_loads_the_gallery_from_the_database_at_start_up(
        self, fresh_database_url: Callable[[str], str], tmp_path: Path
    ) -> None:
        url = fresh_database_url("biostart")
        db = create_database(url)
        upgrade(db.engine)
        with db.unit_of_work() as session:
            person = _enrol(session, None, 21)
        db.dispose()
        settings = load_settings(
            secret_key=TEST_SECRET,
            env="development",
            database_url=url.replace("postgresql+psycopg://", "postgresql://"),
            var_dir=tmp_path / "var",
            storage_url=str(tmp_path / "blobs"),
            huey_immediate=True,
        )
        app = create_app(settings)
        state: AppState = app.state.peelian
        holder = gallery.gallery_for(state)
        try:
            assert holder.loaded.wait(60)
            assert len(holder.index) == 2
            assert _found(holder, 21) == person
        finally:
            state.db.dispose()


def test_gallery_loading_reaches_the_client_as_a_503_problem() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/api/v1/probe")
    def search() -> None:
        raise GalleryLoading("the fingerprint gallery is still loading; try again in a few seconds")

    with TestClient(app) as client:
        res = client.get("/api/v1/probe")
    assert res.status_code == 503
    assert res.headers["content-type"] == "application/problem+json"
    assert res.json()["title"] == "Gallery loading"
    assert res.json()["type"].endswith("/gallery-loading")


class TestSearchConcurrency:
    def test_the_setting_caps_searches_at_once(self, app_state: AppState) -> None:
        app_state.settings = app_state.settings.model_copy(update={"bio_search_concurrency": 3})
        holder = gallery.gallery_for(app_state)
        taken = [holder.searching.acquire(blocking=False) for _ in range(4)]
        assert taken == [True, True, True, False]

    def test_by_default_one_search_per_core(self, app_state: AppState) -> None:
        holder = gallery.gallery_for(app_state)
        cores = os.cpu_count() or 1
        taken = [holder.searching.acquire(blocking=False) for _ in range(cores + 1)]
        assert taken == [True] * cores + [False]
