"""Random minutiae: planted dislocation pairs insert one ridge or one valley each."""

from __future__ import annotations

import math

import numpy as np
import pytest

from peelian.biometrics.engine.synthesis import parameters as sp
from peelian.biometrics.engine.synthesis import synthesize_finger
from peelian.biometrics.engine.synthesis._dislocations import _plant
from peelian.biometrics.engine.synthesis._minutiae import skeleton_minutiae
from peelian.biometrics.engine.synthesis._ridges import refine_ridges
from peelian.biometrics.engine.template import MinutiaKind

pytestmark = pytest.mark.unit

SIZE = 200
PERIOD = 9.0


def _vertical_ridges() -> np.ndarray:
    xs = np.mgrid[0:SIZE, 0:SIZE][1].astype(np.float32)
    return np.cos(2 * np.pi * xs / PERIOD).astype(np.float32)


def _planted(sign: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ridges = _vertical_ridges()
    _plant(ridges, math.pi / 2, PERIOD, 100.0, 100.0, 4.0, sign)
    field = np.full((SIZE, SIZE), math.pi / 2, dtype=np.float32)
    period = np.full((SIZE, SIZE), PERIOD, dtype=np.float32)
    ridges = refine_ridges(ridges, field, period, 2)
    found = skeleton_minutiae(ridges, np.ones((SIZE, SIZE), dtype=bool))
    return found.x, found.y, found.kind


class TestPlant:
    def test_straight_ridges_have_no_minutiae(self) -> None:
        found = skeleton_minutiae(_vertical_ridges(), np.ones((SIZE, SIZE), dtype=bool))
        assert len(found.x) == 0

    @pytest.mark.parametrize(
        ("sign", "kind"), [(1.0, MinutiaKind.ENDING), (-1.0, MinutiaKind.BIFURCATION)]
    )
    def test_a_pair_inserts_two_minutiae_at_its_ends(self, sign: float, kind: int) -> None:
        x, y, kinds = _planted(sign)
        assert len(x) == 2
        assert np.all(kinds == kind)
        # Four periods long along the ridges (y), centred on (100, 100).
        assert np.allclose(x, 100, atol=3)
        assert np.allclose(sorted(y), [82, 118], atol=4)


class TestMasters:
    def test_dislocations_add_minutiae_to_a_master(self, monkeypatch: pytest.MonkeyPatch) -> None:
        with_pairs = [len(synthesize_finger(s).minutiae.x) for s in (1, 2, 3)]
        monkeypatch.setattr(sp, "DISLOCATION_PAIRS", 0.0)
        without = [len(synthesize_finger(s).minutiae.x) for s in (1, 2, 3)]
        assert all(a >= b + 10 for a, b in zip(with_pairs, without, strict=True))
