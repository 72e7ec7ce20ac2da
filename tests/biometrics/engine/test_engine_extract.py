"""Extraction stages against golden outputs, and the transparency hook.

Golden data (``golden/101_1_stages.npz``) hold each stage's output for FVC2002 DB1_B 101_1;
regenerate it after a deliberate change with ``python tests/biometrics/engine/
test_engine_extract.py`` and review the PNG written beside it.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from peelian.biometrics import engine

pytestmark = pytest.mark.unit

GOLDEN = Path(__file__).parent / "golden" / "101_1_stages.npz"


def _stages(image: Path) -> tuple[engine.Template, engine.Transparency]:
    hook = engine.Transparency()
    return engine.extract(image, transparency=hook), hook


def _angle_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(np.angle(np.exp(2j * (a.astype(float) - b.astype(float))))) / 2


@pytest.fixture(scope="module")
def stages(fvc_dir: Path) -> tuple[engine.Template, engine.Transparency, dict[str, np.ndarray]]:
    template, hook = _stages(fvc_dir / "101_1.tif")
    with np.load(GOLDEN) as data:
        golden = {k: data[k] for k in data.files}
    return template, hook, golden


class TestGoldenStages:
    def test_mask(self, stages: tuple) -> None:
        _, hook, golden = stages
        mask = hook.stages["mask"]
        ref = np.unpackbits(golden["mask"])[: mask.size].reshape(mask.shape).astype(bool)
        iou = (mask & ref).sum() / max((mask | ref).sum(), 1)
        assert iou > 0.97

    def test_orientation(self, stages: tuple) -> None:
        _, hook, golden = stages
        err = _angle_error(hook.stages["orientation"], golden["orientation"])
        assert float(np.median(err)) < 0.02
        assert float(np.mean(err)) < 0.08

    def test_frequency(self, stages: tuple) -> None:
        _, hook, golden = stages
        freq = hook.stages["frequency"]
        np.testing.assert_allclose(freq, golden["frequency"], rtol=0.05)

    def test_enhanced(self, stages: tuple) -> None:
        _, hook, golden = stages
        small = cv2.resize(
            hook.stages["enhanced"], None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA
        )
        corr = np.corrcoef(small.ravel(), golden["enhanced_half"].ravel())[0, 1]
        assert corr > 0.97

    def test_skeleton(self, stages: tuple) -> None:
        _, hook, golden = stages
        skel = hook.stages["skeleton"] > 0
        ref = np.unpackbits(golden["skeleton"])[: skel.size].reshape(skel.shape).astype(bool)
        near = cv2.dilate(ref.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        assert (skel & near).sum() / max(skel.sum(), 1) > 0.95

    def test_minutiae(self, stages: tuple) -> None:
        template, _, golden = stages
        ref = golden["minutiae"]
        assert abs(len(template) - len(ref)) <= max(2, len(ref) // 10)
        d = np.hypot(template.x[:, None] - ref[None, :, 0], template.y[:, None] - ref[None, :, 1])
        found = (d.min(axis=0) <= 3.0).mean()
        assert found > 0.85


class TestExtract:
    def test_template_is_well_formed(self, fvc_template) -> None:
        t = fvc_template("101_1")
        assert 15 <= len(t) <= 64
        assert t.width == 388
        assert t.height == 374
        assert np.all((t.angle >= 0) & (t.angle < 2 * np.pi))
        assert set(np.unique(t.kind)) <= {engine.MinutiaKind.ENDING, engine.MinutiaKind.BIFURCATION}
        assert np.all((t.quality >= 1) & (t.quality <= 100))
        assert 50 <= t.image_quality <= 100
        assert np.all((t.x >= 0) & (t.x < t.width) & (t.y >= 0) & (t.y < t.height))

    def test_transparency_records_each_stage(self, stages: tuple) -> None:
        template, hook, _ = stages
        for name in (
            "image",
            "mask",
            "orientation",
            "frequency",
            "enhanced",
            "skeleton",
            "minutiae_raw",
            "template",
        ):
            assert name in hook.stages
        assert hook.stages["template"] is template
        assert hook.stages["mask"].shape == hook.stages["image"].shape

    def test_poor_print_has_lower_quality(self, fvc_template) -> None:
        assert fvc_template("110_6").image_quality < fvc_template("101_1").image_quality

    def test_finger_position_is_kept(self, fvc_dir: Path) -> None:
        t = engine.extract(fvc_dir / "101_1.tif", finger_position=2)
        assert t.finger_position == 2


def regenerate(image: Path) -> None:
    """Write the golden file (and a PNG to eyeball) from the current code."""
    template, hook = _stages(image)
    enhanced = hook.stages["enhanced"]
    small = cv2.resize(enhanced, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    np.savez_compressed(
        GOLDEN,
        mask=np.packbits(hook.stages["mask"].ravel()),
        orientation=hook.stages["orientation"].astype(np.float32),
        frequency=hook.stages["frequency"].astype(np.float32),
        enhanced_half=small.astype(np.float16),
        skeleton=np.packbits((hook.stages["skeleton"] > 0).ravel()),
        minutiae=np.stack(
            [template.x, template.y, template.angle, template.kind.astype(np.float32)], axis=1
        ),
    )
    skel = np.where(hook.stages["skeleton"] > 0, 0, 255).astype(np.uint8)
    cv2.imwrite(str(GOLDEN.with_suffix(".png")), skel)


if __name__ == "__main__":
    regenerate(Path(__file__).parents[3].parent / "shared/fingerprints/FVC2002_DB1_B/101_1.tif")
