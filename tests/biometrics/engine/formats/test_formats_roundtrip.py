"""Round-trip property tests for the native, ISO 19794-2 and ANSI 378 encoders."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peelian.biometrics.engine.formats import (
    deserialize,
    from_ansi378,
    from_iso19794_2,
    serialize,
    to_ansi378,
    to_iso19794_2,
)
from peelian.biometrics.engine.template import Template

pytestmark = pytest.mark.unit


@st.composite
def templates(draw: st.DrawFn, width: int | None = None, height: int | None = None) -> Template:
    """Random valid templates, up to 120 minutiae, image up to 2000 px a side."""
    w = width or draw(st.integers(1, 2000))
    h = height or draw(st.integers(1, 2000))
    n = draw(st.integers(0, 120))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return Template(
        width=w,
        height=h,
        x=(rng.random(n) * w).astype(np.float32) % np.float32(w),
        y=(rng.random(n) * h).astype(np.float32) % np.float32(h),
        angle=(rng.random(n) * 2 * math.pi).astype(np.float32),
        kind=rng.integers(0, 3, n).astype(np.uint8),
        quality=rng.integers(0, 101, n).astype(np.uint8),
        image_quality=draw(st.integers(0, 100)),
        finger_position=draw(st.integers(0, 10)),
    )


def angle_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = np.abs(np.mod(a.astype(np.float64) - b.astype(np.float64), 2 * math.pi))
    return np.minimum(d, 2 * math.pi - d)


def assert_close(got: Template, want: Template, pos_tol: float, angle_tol: float) -> None:
    assert (got.width, got.height) == (want.width, want.height)
    assert got.finger_position == want.finger_position
    assert got.image_quality == want.image_quality
    assert len(got) == len(want)
    # Positions within pos_tol of the far border are clipped inside: twice the error there.
    x_tol = np.where(want.x >= want.width - pos_tol, 2 * pos_tol, pos_tol) + 1e-3
    y_tol = np.where(want.y >= want.height - pos_tol, 2 * pos_tol, pos_tol) + 1e-3
    assert np.all(np.abs(got.x - want.x) <= x_tol)
    assert np.all(np.abs(got.y - want.y) <= y_tol)
    assert np.all(angle_error(got.angle, want.angle) <= angle_tol + 1e-5)
    assert np.array_equal(got.kind, want.kind)
    assert np.array_equal(got.quality, want.quality)
    assert np.all((got.x < got.width) & (got.y < got.height))


class TestSerialize:
    @given(templates())
    @settings(deadline=None)  # timings are no pass/fail criterion
    def test_round_trip_within_quantisation(self, t: Template) -> None:
        assert_close(deserialize(serialize(t)), t, 0.25, math.pi / 16384)

    def test_forty_minutiae_fit_in_296_bytes(self) -> None:
        n = 40
        t = Template(
            300,
            400,
            np.full(n, 10.3, np.float32),
            np.full(n, 20.7, np.float32),
            np.zeros(n, np.float32),
            np.ones(n, np.uint8),
            np.full(n, 50, np.uint8),
        )
        assert len(serialize(t)) == 296

    def test_input_is_not_mutated(self) -> None:
        x = np.array([1.3, 2.6], np.float32)
        t = Template(
            10,
            10,
            x,
            x.copy(),
            np.array([7.0, -1.0], np.float32),
            np.array([1, 2], np.uint8),
            np.array([5, 6], np.uint8),
        )
        serialize(t)
        assert np.array_equal(t.x, np.array([1.3, 2.6], np.float32))
        assert np.array_equal(t.angle, np.array([7.0, -1.0], np.float32))

    def test_minutia_outside_image_is_refused(self) -> None:
        t = Template(
            10,
            10,
            np.array([10.0], np.float32),
            np.array([1.0], np.float32),
            np.zeros(1, np.float32),
            np.ones(1, np.uint8),
            np.zeros(1, np.uint8),
        )
        with pytest.raises(ValueError, match="outside the image"):
            serialize(t)


class TestToIso19794_2:
    @given(templates())
    @settings(deadline=None)  # timings are no pass/fail criterion
    def test_round_trip_within_quantisation(self, t: Template) -> None:
        (got,) = from_iso19794_2(to_iso19794_2([t]))
        assert_close(got, t, 0.5, math.pi / 256)

    @given(st.lists(templates(width=320, height=480), min_size=1, max_size=4))
    @settings(max_examples=30, deadline=None)  # timings are no pass/fail criterion
    def test_multi_view_round_trip(self, views: list[Template]) -> None:
        got = from_iso19794_2(to_iso19794_2(views))
        assert len(got) == len(views)
        for g, v in zip(got, views, strict=True):
            assert_close(g, v, 0.5, math.pi / 256)

    def test_views_of_different_size_are_refused(self) -> None:
        with pytest.raises(ValueError, match="image size"):
            to_iso19794_2([Template(10, 10), Template(11, 10)])


class TestToAnsi378:
    @given(templates())
    @settings(deadline=None)  # timings are no pass/fail criterion
    def test_round_trip_within_quantisation(self, t: Template) -> None:
        (got,) = from_ansi378(to_ansi378([t]))
        assert_close(got, t, 0.5, math.radians(1.0))

    def test_large_record_uses_long_length(self) -> None:
        n = 255
        rng = np.random.default_rng(0)
        t = Template(
            500,
            500,
            rng.random(n).astype(np.float32) * 499,
            rng.random(n).astype(np.float32) * 499,
            np.zeros(n, np.float32),
            np.ones(n, np.uint8),
            np.zeros(n, np.uint8),
        )
        data = to_ansi378([replace(t, finger_position=i % 11) for i in range(50)])
        assert len(data) > 0xFFFF
        assert data[8:10] == b"\x00\x00"
        assert int.from_bytes(data[10:14], "big") == len(data)
        assert len(from_ansi378(data)) == 50


class TestIsoAnsiConversion:
    @given(templates())
    @settings(deadline=None)  # timings are no pass/fail criterion
    def test_iso_to_ansi_to_iso_keeps_minutiae(self, t: Template) -> None:
        (iso,) = from_iso19794_2(to_iso19794_2([t]))
        (ansi,) = from_ansi378(to_ansi378([iso]))
        (back,) = from_iso19794_2(to_iso19794_2([ansi]))
        assert_close(back, iso, 0.0, math.radians(1.0) + math.pi / 256)
        assert_close(back, t, 0.5, math.radians(1.0) + math.pi / 128)
