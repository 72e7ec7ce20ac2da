"""Tests of the single-process gallery index."""

from __future__ import annotations

import threading
import uuid

import numpy as np
import pytest
from tests.fixtures.gallery import FINGERS, SmallGallery

from peelian.biometrics import engine
from peelian.biometrics.gallery import EnrolmentKey, GalleryIndex
from peelian.biometrics.gallery import parameters as gallery_parameters
from peelian.biometrics.gallery import synthetic as syn

pytestmark = pytest.mark.unit

HIGH = engine.fmr_to_score(1e-6)


class TestSearch:
    def test_mated_two_finger_probe_is_rank_one(
        self, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        for i in (0, 17, 42, 99, 119):
            found = index.search(small_gallery.probe(small_gallery.masters[i], seed=i))
            assert found[0].subject_id == small_gallery.subjects[i]
            assert found[0].score >= HIGH

    def test_non_mated_probe_returns_nothing_above_a_high_threshold(
        self, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        for j, outsider in enumerate(small_gallery.outsiders):
            assert index.search(small_gallery.probe(outsider, seed=j), min_score=HIGH) == []

    def test_candidate_reports_each_probe_finger(
        self, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        best = index.search(small_gallery.probe(small_gallery.masters[3], seed=3), top=1)[0]
        assert [f for f, _ in best.finger_scores] == list(FINGERS)
        assert best.score == pytest.approx(engine.fuse(s for _, s in best.finger_scores))

    def test_two_finger_fusion_beats_one_finger(
        self, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        margins_one, margins_two = [], []
        for i in range(8):
            probe = small_gallery.probe(small_gallery.masters[i], seed=100 + i, hard=1.5)
            for probes, margins in ((probe[:1], margins_one), (probe, margins_two)):
                found = index.search(probes, top=2)
                mate = [c.score for c in found if c.subject_id == small_gallery.subjects[i]]
                other = [c.score for c in found if c.subject_id != small_gallery.subjects[i]]
                margins.append((mate[0] if mate else 0.0) - (other[0] if other else 0.0))
        assert np.median(margins_two) > np.median(margins_one)
        assert sum(m > 0 for m in margins_two) >= sum(m > 0 for m in margins_one)


class TestRemove:
    def test_removed_finger_is_never_returned(
        self, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        subject = small_gallery.subjects[5]
        for f in FINGERS:
            assert index.remove(EnrolmentKey(subject, f))
        assert len(index) == len(small_gallery.items) - 2
        found = index.search(small_gallery.probe(small_gallery.masters[5], seed=5), top=50)
        assert subject not in {c.subject_id for c in found}

    def test_removing_an_unknown_key_returns_false(self, index: GalleryIndex) -> None:
        assert not index.remove(EnrolmentKey(uuid.uuid4(), 2))

    def test_add_after_remove_finds_the_new_enrolment(
        self, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        old = small_gallery.subjects[8]
        new = uuid.uuid4()
        rng = np.random.default_rng(8)
        for f in FINGERS:
            index.remove(EnrolmentKey(old, f))
            index.add(
                EnrolmentKey(new, f),
                syn.impression(small_gallery.masters[8][f], rng, finger_position=f),
            )
        found = index.search(small_gallery.probe(small_gallery.masters[8], seed=88))
        assert found[0].subject_id == new
        assert EnrolmentKey(old, 2) not in index
        assert EnrolmentKey(new, 2) in index

    def test_compaction_keeps_the_remaining_fingers_searchable(
        self, small_gallery: SmallGallery
    ) -> None:
        idx = GalleryIndex(capacity=len(small_gallery.items), shortlist=40)
        idx.add_many(small_gallery.items[:100])  # type: ignore[arg-type]
        for key, _ in small_gallery.items[:60]:
            idx.remove(key)
        assert len(idx) == 40
        found = idx.search(small_gallery.probe(small_gallery.masters[40], seed=4))
        assert found[0].subject_id == small_gallery.subjects[40]

    def test_searches_during_removals_never_see_removed_fingers(
        self, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        probe = small_gallery.probe(small_gallery.masters[20], seed=20)
        removed = threading.Event()
        seen_after: list[bool] = []

        def search() -> None:
            for _ in range(3):
                after = removed.is_set()
                ids = {c.subject_id for c in index.search(probe, top=20)}
                if after:
                    seen_after.append(small_gallery.subjects[20] in ids)

        threads = [threading.Thread(target=search) for _ in range(3)]
        for t in threads:
            t.start()
        for f in FINGERS:
            index.remove(EnrolmentKey(small_gallery.subjects[20], f))
        removed.set()
        for t in threads:
            t.join()
        assert not any(seen_after)


class TestMemory:
    def test_bytes_per_finger_is_at_most_2_kib(self, index: GalleryIndex) -> None:
        assert index.bytes_per_finger <= 2048

    def test_keys_must_have_a_finger_position(self, index: GalleryIndex) -> None:
        with pytest.raises(ValueError, match="finger position"):
            index.add(EnrolmentKey(uuid.uuid4(), 0), engine.Template(width=10, height=10))


class TestAddPacked:
    def test_packed_enrolment_searches_like_templates(
        self, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        keys = [k for k, _ in small_gallery.items]
        packed = engine.pack([t for _, t in small_gallery.items])  # type: ignore[misc]
        other = GalleryIndex(capacity=len(keys), shortlist=40)
        assert other.add_packed(keys, packed) == len(keys)
        probe = small_gallery.probe(small_gallery.masters[11], seed=11)
        a, b = index.search(probe, top=3), other.search(probe, top=3)
        assert [c.subject_id for c in a] == [c.subject_id for c in b]
        assert [c.score for c in a] == pytest.approx([c.score for c in b])

    def test_keys_must_match_the_gallery(self, small_gallery: SmallGallery) -> None:
        packed = engine.pack([t for _, t in small_gallery.items[:3]])  # type: ignore[misc]
        with pytest.raises(ValueError, match="2 keys for a gallery of 3"):
            GalleryIndex().add_packed([k for k, _ in small_gallery.items[:2]], packed)


class TestCandidateStage:
    def test_mates_are_shortlisted(self, index: GalleryIndex, small_gallery: SmallGallery) -> None:
        hits = []
        for i in range(0, 120, 12):
            for t in small_gallery.probe(small_gallery.masters[i], seed=500 + i):
                key = EnrolmentKey(small_gallery.subjects[i], t.finger_position)
                hits.append(index.shortlisted(t, key))
        assert sum(hits) >= 18  # of 20 probe fingers, each against 120 fingers, 40 kept

    def test_removed_finger_is_not_shortlisted(
        self, index: GalleryIndex, small_gallery: SmallGallery
    ) -> None:
        key = EnrolmentKey(small_gallery.subjects[7], 2)
        probe = small_gallery.probe(small_gallery.masters[7], seed=7)[0]
        assert index.shortlisted(probe, key)
        index.remove(key)
        assert not index.shortlisted(probe, key)

    def test_recorded_hits_shortlist_as_a_second_table_walk_does(
        self, index: GalleryIndex, small_gallery: SmallGallery, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        probes = [t for i in (3, 50) for t in small_gallery.probe(small_gallery.masters[i], i)]
        recorded = [index.shortlist_rows(t) for t in probes]
        monkeypatch.setattr(gallery_parameters, "HIT_RECORD", 0)  # no room: walk again
        walked = [index.shortlist_rows(t) for t in probes]
        assert all(len(r) == index.shortlist for r in recorded)
        assert all(np.array_equal(r, w) for r, w in zip(recorded, walked, strict=True))
