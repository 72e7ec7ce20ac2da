"""Impressions: determinism, variation, carried ground truth and the distortion model."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache

import cv2
import numpy as np
import pytest

from peelian.biometrics.engine.formats import from_iso19794_2, to_iso19794_2
from peelian.biometrics.engine.synthesis import (
    ImpressionParams,
    MasterPrint,
    Placement,
    random_impression_params,
    render_impression,
    render_master,
    synthesize_finger,
    synthesize_impression,
)

pytestmark = pytest.mark.unit


@cache
def master() -> MasterPrint:
    return synthesize_finger(31, "right_loop")


def rigid(rotation: float, translation: tuple[float, float] = (0.0, 0.0)) -> Placement:
    m = master()
    h, w = m.shape
    return Placement(
        rotation=rotation,
        translation=translation,
        pivot=(w / 2, h / 2),
        centre=(w / 2, h / 2),
        close_radius=50.0,
        band=80.0,
        skin_rotation=0.0,
        skin_shift=(0.0, 0.0),
    )


class TestSynthesizeImpression:
    def test_same_seed_gives_identical_image(self) -> None:
        a = synthesize_impression(master(), 5)
        b = synthesize_impression(master(), 5)
        assert a.image.tobytes() == b.image.tobytes()
        assert a.truth.x.tobytes() == b.truth.x.tobytes()

    def test_impressions_differ_from_each_other_and_from_the_master(self) -> None:
        a = synthesize_impression(master(), 1)
        b = synthesize_impression(master(), 2)
        assert a.image.dtype == np.uint8
        assert a.image.shape == master().shape
        assert np.mean(np.abs(a.image.astype(int) - b.image.astype(int))) > 10
        assert np.mean(np.abs(a.image.astype(int) - render_master(master()).astype(int))) > 10

    def test_most_minutiae_stay_in_the_image(self) -> None:
        kept = [len(synthesize_impression(master(), s).truth) for s in range(6)]
        assert np.mean(kept) >= 0.5 * len(master().minutiae)
        assert min(kept) > 0

    def test_truth_exports_to_iso_19794_2(self) -> None:
        truth = synthesize_impression(master(), 4).truth
        (back,) = from_iso19794_2(to_iso19794_2([truth]))
        assert len(back) == len(truth)
        assert np.allclose(back.x, truth.x, atol=1.0)

    def test_master_is_not_modified(self) -> None:
        m = master()
        before = m.ridges.copy(), m.minutiae.x.copy()
        synthesize_impression(m, 3)
        assert np.array_equal(m.ridges, before[0])
        assert np.array_equal(m.minutiae.x, before[1])


class TestRenderImpression:
    def params(self, placement: Placement) -> ImpressionParams:
        m = master()
        h, w = m.shape
        base = random_impression_params(m, np.random.default_rng(0))
        return replace(
            base,
            placement=placement,
            contact_centre=(w / 2, h / 2),
            contact_axes=(2.0 * w, 2.0 * h),
            pressure=0.0,
            texture=0.0,
            morphology=0,
            breaks=False,
        )

    @pytest.mark.parametrize("angle", [0.0, math.radians(20), math.radians(-35)])
    def test_rotating_the_finger_rotates_the_truth(self, angle: float) -> None:
        m = master()
        h, w = m.shape
        imp = render_impression(m, self.params(rigid(angle)))
        t, src = imp.truth, m.minutiae
        # Rotate the master minutiae about the centre, anticlockwise on screen.
        dx, dy = src.x - w / 2, src.y - h / 2
        x = dx * math.cos(angle) + dy * math.sin(angle) + w / 2
        y = -dx * math.sin(angle) + dy * math.cos(angle) + h / 2
        inside = (x >= 0) & (y >= 0) & (x < w) & (y < h)
        assert np.allclose(t.x, x[inside], atol=1e-3)
        assert np.allclose(t.y, y[inside], atol=1e-3)
        turn = np.mod(t.angle - src.angle[inside] - angle + math.pi, 2 * math.pi) - math.pi
        assert np.all(np.abs(turn) < 1e-3)
        assert np.array_equal(t.kind, src.kind[inside])

    def test_rotating_the_finger_rotates_orientation_and_cores(self) -> None:
        m = master()
        h, w = m.shape
        angle = math.radians(25)
        imp = render_impression(m, self.params(rigid(angle)))
        ys, xs = np.mgrid[40 : h - 40 : 20, 40 : w - 40 : 20]
        dx, dy = xs - w / 2, ys - h / 2
        # Where each sampled impression pixel came from in the master (inverse rotation).
        sx = dx * math.cos(angle) - dy * math.sin(angle) + w / 2
        sy = dx * math.sin(angle) + dy * math.cos(angle) + h / 2
        src = m.orientation[np.rint(sy).astype(int), np.rint(sx).astype(int)]
        got = imp.orientation[ys, xs]
        diff = np.mod(got - (src - angle) + math.pi / 2, math.pi) - math.pi / 2
        ok = ~np.isnan(got)
        assert ok.sum() > 50
        assert np.median(np.abs(diff[ok])) < math.radians(3)
        (cx, cy) = m.singular.cores[0]
        ex = (cx - w / 2) * math.cos(angle) + (cy - h / 2) * math.sin(angle) + w / 2
        ey = -(cx - w / 2) * math.sin(angle) + (cy - h / 2) * math.cos(angle) + h / 2
        assert np.allclose(imp.singular.cores[0], (ex, ey), atol=1e-3)

    def test_orientation_truth_agrees_with_the_image(self) -> None:
        imp = synthesize_impression(master(), 6)
        img = imp.image.astype(np.float32)
        gx, gy = cv2.Sobel(img, cv2.CV_32F, 1, 0), cv2.Sobel(img, cv2.CV_32F, 0, 1)
        gxx, gyy, gxy = (cv2.GaussianBlur(a, (0, 0), 6.0) for a in (gx * gx, gy * gy, gx * gy))
        # Ridges run perpendicular to the dominant gradient.
        measured = np.mod(0.5 * np.arctan2(2 * gxy, gxx - gyy) + math.pi / 2, math.pi)
        inner = cv2.erode(imp.contact.astype(np.uint8), np.ones((25, 25), np.uint8)) > 0
        diff = np.mod(measured - imp.orientation + math.pi / 2, math.pi) - math.pi / 2
        assert np.median(np.abs(diff[inner])) < math.radians(8)

    def test_truth_lies_on_dark_ridges_of_the_image(self) -> None:
        imp = render_impression(master(), self.params(rigid(0.3, (10.0, -7.0))))
        xi, yi = np.rint(imp.truth.x).astype(int), np.rint(imp.truth.y).astype(int)
        at_minutiae = imp.image[yi, xi].astype(float).mean()
        finger = imp.image[imp.contact].astype(float).mean()
        assert at_minutiae < finger - 15


class TestPlacement:
    def distorted(self) -> Placement:
        return Placement(
            rotation=0.2,
            translation=(12.0, -5.0),
            pivot=(160.0, 200.0),
            centre=(150.0, 210.0),
            close_radius=40.0,
            band=90.0,
            skin_rotation=0.05,
            skin_shift=(7.0, -6.0),
        )

    def test_inverse_undoes_forward(self) -> None:
        rng = np.random.default_rng(0)
        x, y = rng.uniform(0, 320, 500), rng.uniform(0, 400, 500)
        p = self.distorted()
        bx, by = p.inverse(*p.forward(x, y))
        assert np.allclose(bx, x, atol=0.05)
        assert np.allclose(by, y, atol=0.05)

    def test_close_contact_region_is_not_distorted(self) -> None:
        p = self.distorted()
        undistorted = replace(p, skin_rotation=0.0, skin_shift=(0.0, 0.0))
        x, y = np.array([150.0, 170.0, 140.0]), np.array([210.0, 220.0, 190.0])
        assert np.allclose(p.forward(x, y), undistorted.forward(x, y))

    def test_outside_the_band_moves_rigidly(self) -> None:
        p = self.distorted()
        x, y = np.array([10.0, 300.0]), np.array([10.0, 390.0])
        (ax, bx), (ay, by) = p.forward(x, y)
        # Two points far from the centre keep their distance: the motion there is rigid.
        assert math.hypot(bx - ax, by - ay) == pytest.approx(math.hypot(290.0, 380.0))
        undistorted = replace(p, skin_rotation=0.0, skin_shift=(0.0, 0.0))
        (ux, _), (uy, _) = undistorted.forward(x, y)
        assert math.hypot(ax - ux, ay - uy) > 3.0
