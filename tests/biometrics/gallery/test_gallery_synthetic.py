"""Tests of the direct synthetic template generator and of the package's lazy Ray import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from peelian.biometrics import engine
from peelian.biometrics.gallery import synthetic as syn

pytestmark = pytest.mark.unit


class TestMaster:
    def test_minutiae_keep_their_spacing(self) -> None:
        m = syn.master(np.random.default_rng(1))
        d = np.hypot(m.x[:, None] - m.x[None, :], m.y[:, None] - m.y[None, :])
        np.fill_diagonal(d, np.inf)
        assert d.min() >= syn.MIN_SPACING
        assert syn.MINUTIAE_RANGE[0] // 2 <= len(m.x) <= syn.MINUTIAE_RANGE[1]


class TestImpression:
    def test_impression_is_a_valid_template_of_the_finger(self) -> None:
        rng = np.random.default_rng(2)
        m = syn.master(rng)
        t = syn.impression(m, rng, finger_position=7)
        assert t.finger_position == 7
        assert len(t) >= engine.parameters.MIN_MINUTIAE
        assert np.all((t.angle >= 0) & (t.angle < 2 * np.pi))

    def test_impressions_of_one_finger_match_and_of_two_fingers_do_not(self) -> None:
        rng = np.random.default_rng(3)
        a, b = syn.master(rng), syn.master(rng)
        same = engine.compare(syn.impression(a, rng), syn.impression(a, rng))
        other = engine.compare(syn.impression(a, rng), syn.impression(b, rng))
        assert same > engine.fmr_to_score(1e-4) > other


class TestLazyRay:
    def test_importing_the_package_does_not_import_ray(self) -> None:
        code = "import sys, peelian.biometrics.gallery; print('ray' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"
