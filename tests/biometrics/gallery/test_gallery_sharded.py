"""Tests of the Ray-sharded gallery index (a local Ray cluster with two actors)."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from tests.fixtures.gallery import FINGERS, SmallGallery

from peelian.biometrics import engine
from peelian.biometrics.gallery import EnrolmentKey, GalleryIndex, ShardedGalleryIndex
from peelian.biometrics.gallery import synthetic as syn

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def sharded(small_gallery: SmallGallery):  # type: ignore[no-untyped-def]
    ray = pytest.importorskip("ray")
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    except Exception as exc:  # any failure to start means there is no Ray here
        pytest.skip(f"a local Ray cluster could not start: {exc}")
    idx = ShardedGalleryIndex(2, capacity=len(small_gallery.items), shortlist=40)
    idx.add_many(small_gallery.items)  # type: ignore[arg-type]
    yield idx
    idx.close()
    ray.shutdown()


class TestShardedGalleryIndex:
    def test_same_top_candidate_as_single_process(
        self, sharded: ShardedGalleryIndex, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        for i in (1, 30, 77):
            probe = small_gallery.probe(small_gallery.masters[i], seed=i)
            one = index.search(probe, top=3)
            many = sharded.search(probe, top=3)
            assert many[0].subject_id == one[0].subject_id == small_gallery.subjects[i]
            assert many[0].score == pytest.approx(one[0].score)

    def test_remove_and_size_across_shards(
        self, sharded: ShardedGalleryIndex, small_gallery: SmallGallery
    ) -> None:
        n = len(sharded)
        assert n == len(small_gallery.items)
        sharded.shrink()
        assert sharded.bytes_per_finger <= 2048
        subject = small_gallery.subjects[2]
        assert sharded.remove(EnrolmentKey(subject, 2))
        assert sharded.remove(EnrolmentKey(subject, 7))
        assert len(sharded) == n - 2
        found = sharded.search(small_gallery.probe(small_gallery.masters[2], seed=2), top=20)
        assert subject not in {c.subject_id for c in found}

    def test_packed_enrolment_goes_to_the_shards(
        self, sharded: ShardedGalleryIndex, small_gallery: SmallGallery
    ) -> None:
        rng = np.random.default_rng(31)
        new = uuid.uuid4()
        master = small_gallery.masters[31]
        keys = [EnrolmentKey(new, f) for f in FINGERS]
        packed = engine.pack([syn.impression(master[f], rng, finger_position=f) for f in FINGERS])
        n = len(sharded)
        assert sharded.add_packed(keys, packed) == 2
        assert len(sharded) == n + 2
        found = sharded.search(small_gallery.probe(master, seed=310), top=3)
        assert new in {c.subject_id for c in found}
