"""Zhang-Suen thinning, crossing numbers and skeleton tracing."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from peelian.biometrics.engine.synthesis._skeleton import crossing_numbers, thin, trace

pytestmark = pytest.mark.unit


def fork() -> np.ndarray:
    """A thick Y: a stem from the bottom splitting into two arms."""
    img = np.zeros((80, 80), np.uint8)
    cv2.line(img, (40, 75), (40, 40), 1, 5)
    cv2.line(img, (40, 40), (15, 8), 1, 5)
    cv2.line(img, (40, 40), (65, 8), 1, 5)
    return img.astype(bool)


class TestThin:
    def test_thick_bar_becomes_one_pixel_wide(self) -> None:
        bar = np.zeros((30, 60), bool)
        bar[10:17, 5:55] = True
        skel = thin(bar)
        assert skel[:, 15:45].sum(axis=0).tolist() == [1] * 30

    def test_input_is_not_modified(self) -> None:
        img = fork()
        before = img.copy()
        thin(img)
        assert np.array_equal(img, before)


class TestCrossingNumbers:
    def test_fork_has_three_endings_and_one_bifurcation(self) -> None:
        skel = thin(fork())
        cn = crossing_numbers(skel)
        assert (cn == 1).sum() == 3
        ys, xs = np.nonzero(cn == 3)
        assert len(ys) >= 1
        assert np.all(np.abs(ys - 40) <= 4)
        assert np.all(np.abs(xs - 40) <= 4)


class TestTrace:
    def test_walks_along_a_line_from_its_end(self) -> None:
        skel = np.zeros((20, 40), np.uint8)
        skel[10, 5:35] = 1
        y, x, steps = trace(skel, (10, 6), [(10, 5)], 12)
        assert (y, x, steps) == (10, 17, 12)

    def test_stops_at_a_junction(self) -> None:
        skel = np.zeros((20, 40), np.uint8)
        skel[10, 5:35] = 1
        skel[3:10, 12] = 1
        _, x, steps = trace(skel, (10, 6), [(10, 5)], 20)
        assert steps < 0
        assert abs(x - 12) <= 1
