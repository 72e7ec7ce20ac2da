"""Tests of the pose check that picks the shortlist among the pose-voted fingers."""

from __future__ import annotations

import numpy as np
import pytest

from peelian.biometrics import engine
from peelian.biometrics.gallery import synthetic as syn
from peelian.biometrics.gallery._store import XY_OFFSET, Store
from peelian.biometrics.gallery._verify import pair_counts


@pytest.fixture(scope="module")
def stored() -> tuple[Store, engine.PreparedTemplate]:
    """One synthetic finger in a store, and the prepared template it came from."""
    rng = np.random.default_rng(7)
    pt = engine.prepare(syn.impression(syn.master(rng), rng, finger_position=2))
    store = Store(4)
    one = np.zeros(1, dtype=np.uint64)
    store.append(engine.pack([pt]), one, one, np.array([2], dtype=np.uint8))
    return store, pt


def _pairs(store: Store, pt: engine.PreparedTemplate, pose: list[float], dx: float = 0.0) -> int:
    out = np.zeros(1, dtype=np.int32)
    pair_counts(
        np.zeros(1, dtype=np.int64),
        np.array([pose], dtype=np.float64),
        store.n_minutiae,
        store.xy,
        store.angle,
        (pt.x + dx).astype(np.float32),
        pt.y.astype(np.float32),
        pt.angle.astype(np.float32),
        20.0,
        0.5,
        out,
    )
    return int(out[0])


def _identity(pt: engine.PreparedTemplate) -> list[float]:
    return [0.0, float(pt.x.mean()) + XY_OFFSET, float(pt.y.mean()) + XY_OFFSET]


class TestPairCounts:
    def test_the_right_pose_pairs_every_minutia(
        self, stored: tuple[Store, engine.PreparedTemplate]
    ) -> None:
        store, pt = stored
        assert _pairs(store, pt, _identity(pt)) == len(pt)

    def test_a_translated_probe_pairs_as_well_about_its_centroid(
        self, stored: tuple[Store, engine.PreparedTemplate]
    ) -> None:
        store, pt = stored
        assert _pairs(store, pt, _identity(pt), dx=60.0) == len(pt)

    def test_a_wrong_pose_pairs_few_minutiae(
        self, stored: tuple[Store, engine.PreparedTemplate]
    ) -> None:
        store, pt = stored
        theta, tx, ty = _identity(pt)
        assert _pairs(store, pt, [theta + 1.5, tx + 80.0, ty]) < len(pt) // 3

    def test_each_stored_minutia_pairs_at_most_once(
        self, stored: tuple[Store, engine.PreparedTemplate]
    ) -> None:
        store, pt = stored
        doubled = engine.PreparedTemplate(
            *(np.concatenate([a, a]) for a in (pt.x, pt.y, pt.angle, pt.kind, pt.bits)),
            np.concatenate([pt.valid, pt.valid]),
            np.concatenate([pt.index, pt.index]),
            np.concatenate([pt.rank, pt.rank]),
        )
        theta, tx, ty = _identity(pt)
        assert _pairs(store, doubled, [theta, tx, ty]) == len(pt)
