"""Master prints: determinism, class topology, ridge period and ground-truth minutiae."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from peelian.biometrics.engine.synthesis import (
    FingerprintClass,
    MasterPrint,
    poincare_index,
    render_master,
    synthesize_finger,
)
from peelian.biometrics.engine.template import MinutiaKind

pytestmark = pytest.mark.unit


@cache
def master(seed: int, cls: str | None = None) -> MasterPrint:
    return synthesize_finger(seed, cls)


class TestSynthesizeFinger:
    def test_same_seed_gives_identical_master(self) -> None:
        a = synthesize_finger(7, size=(160, 200))
        b = synthesize_finger(7, size=(160, 200))
        assert a.ridges.tobytes() == b.ridges.tobytes()
        assert a.minutiae.x.tobytes() == b.minutiae.x.tobytes()
        assert a.cls is b.cls

    def test_different_seeds_give_different_masters(self) -> None:
        a = synthesize_finger(7, "whorl", size=(160, 200))
        b = synthesize_finger(8, "whorl", size=(160, 200))
        assert not np.array_equal(a.ridges > 0, b.ridges > 0)

    def test_class_is_drawn_when_not_given(self) -> None:
        drawn = {synthesize_finger(s, size=(96, 120)).cls for s in range(12)}
        assert FingerprintClass.LEFT_LOOP in drawn or FingerprintClass.RIGHT_LOOP in drawn

    def test_pattern_is_saturated_and_balanced(self) -> None:
        m = master(3, "left_loop")
        assert m.ridges.dtype == np.float32
        assert np.mean(np.abs(m.ridges) > 0.5) > 0.85
        assert 0.4 < np.mean(m.ridges > 0) < 0.6

    def test_render_is_dark_ridges_on_white(self) -> None:
        m = master(3, "left_loop")
        img = render_master(m)
        assert img.dtype == np.uint8
        assert np.all(img[~m.mask] == 255)
        assert img[m.mask & (m.ridges > 0.9)].mean() < img[m.mask & (m.ridges < -0.9)].mean()


class TestSingularPoints:
    @pytest.mark.parametrize("cls", ["left_loop", "right_loop", "tented_arch"])
    def test_loops_have_one_core_and_one_delta(self, cls: str) -> None:
        m = master(11, cls)
        ((cx, cy),) = m.singular.cores
        ((dx, dy),) = m.singular.deltas
        assert poincare_index(m.orientation, cx, cy, 8) == pytest.approx(0.5, abs=0.05)
        assert poincare_index(m.orientation, dx, dy, 8) == pytest.approx(-0.5, abs=0.05)

    def test_whorl_has_two_cores_and_two_deltas(self) -> None:
        m = master(12, "whorl")
        assert len(m.singular.cores) == 2
        assert len(m.singular.deltas) == 2
        (ax, ay), (bx, by) = m.singular.cores
        centre_x, centre_y = (ax + bx) / 2, (ay + by) / 2
        radius = math.hypot(ax - bx, ay - by) / 2 + 12
        assert poincare_index(m.orientation, centre_x, centre_y, radius) == pytest.approx(
            1.0, abs=0.05
        )
        for x, y in m.singular.deltas:
            assert poincare_index(m.orientation, x, y, 8) == pytest.approx(-0.5, abs=0.05)

    def test_left_and_right_loops_open_to_opposite_sides(self) -> None:
        left, right = master(11, "left_loop"), master(11, "right_loop")
        assert left.singular.deltas[0, 0] > left.singular.cores[0, 0]
        assert right.singular.deltas[0, 0] < right.singular.cores[0, 0]

    @pytest.mark.parametrize("seed", [1, 2])
    def test_arch_has_no_singular_point(self, seed: int) -> None:
        m = master(seed, "arch")
        h, w = m.shape
        indices = [
            poincare_index(m.orientation, x, y, 10)
            for y in range(20, h - 20, 15)
            for x in range(20, w - 20, 15)
        ]
        assert max(abs(i) for i in indices) < 0.1


class TestRidgePeriod:
    @pytest.mark.parametrize("seed", [4, 5])
    def test_measured_period_matches_density_map(self, seed: int) -> None:
        m = master(seed, "arch")
        h, w = m.shape
        errors = []
        for y0, x0 in ((40, 40), (40, w - 104), (h - 120, 60)):
            block = m.ridges[y0 : y0 + 64, x0 : x0 + 64].astype(np.float64)
            spectrum = np.abs(np.fft.fft2(block * np.outer(np.hanning(64), np.hanning(64))))
            spectrum[0, 0] = 0
            fy, fx = np.unravel_index(np.argmax(spectrum), spectrum.shape)
            f = math.hypot(np.fft.fftfreq(64)[fy], np.fft.fftfreq(64)[fx])
            expected = float(m.period[y0 : y0 + 64, x0 : x0 + 64].mean())
            errors.append(abs(1 / f - expected) / expected)
        assert np.median(errors) < 0.15


class TestGroundTruthMinutiae:
    def test_count_and_kinds_are_plausible(self) -> None:
        for seed, cls in ((21, "whorl"), (22, "left_loop"), (23, "right_loop")):
            t = master(seed, cls).minutiae
            assert 15 <= len(t) <= 90
            kinds = set(t.kind.tolist())
            assert {MinutiaKind.ENDING, MinutiaKind.BIFURCATION} <= kinds

    def test_minutiae_lie_on_ridges_inside_the_finger(self) -> None:
        m = master(21, "whorl")
        t = m.minutiae
        xi, yi = t.x.astype(int), t.y.astype(int)
        assert np.all(m.mask[yi, xi])
        assert np.all(m.ridges[yi, xi] > 0)

    def test_ending_points_into_its_ridge(self) -> None:
        m = master(22, "left_loop")
        t = m.minutiae
        endings = np.flatnonzero(t.kind == MinutiaKind.ENDING)
        on_ridge = []
        for i in endings:
            x = t.x[i] + 5 * math.cos(t.angle[i])
            y = t.y[i] - 5 * math.sin(t.angle[i])
            on_ridge.append(m.ridges[round(float(y)), round(float(x))] > 0)
        assert np.mean(on_ridge) > 0.9

    def test_bifurcation_points_into_its_valley(self) -> None:
        m = master(22, "left_loop")
        t = m.minutiae
        forks = np.flatnonzero(t.kind == MinutiaKind.BIFURCATION)
        in_valley = []
        for i in forks:
            x = t.x[i] + 5 * math.cos(t.angle[i])
            y = t.y[i] - 5 * math.sin(t.angle[i])
            in_valley.append(m.ridges[round(float(y)), round(float(x))] < 0)
        assert np.mean(in_valley) > 0.8
