"""Image input: formats, resolution and clear errors for bad input."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from peelian.biometrics import engine

pytestmark = pytest.mark.unit


def _png(array: np.ndarray, dpi: int | None = None) -> bytes:
    buf = io.BytesIO()
    img = Image.fromarray(array)
    if dpi is None:
        img.save(buf, format="PNG")
    else:
        img.save(buf, format="PNG", dpi=(dpi, dpi))
    return buf.getvalue()


class TestLoadImage:
    def test_reads_tiff_path(self, fvc_dir: Path) -> None:
        img = engine.load_image(fvc_dir / "101_1.tif")
        assert img.dtype == np.uint8
        assert img.shape == (374, 388)

    def test_png_bmp_and_tiff_bytes_decode_alike(self, fvc_dir: Path) -> None:
        ref = engine.load_image(fvc_dir / "101_1.tif")
        for ext in (".png", ".bmp", ".tif"):
            ok, buf = cv2.imencode(ext, ref)
            assert ok
            np.testing.assert_array_equal(engine.load_image(buf.tobytes()), ref)

    def test_raw_pixels_need_width_and_height(self, fvc_dir: Path) -> None:
        ref = engine.load_image(fvc_dir / "101_1.tif")
        raw = ref.tobytes()
        np.testing.assert_array_equal(engine.load_image(raw, width=388, height=374), ref)
        with pytest.raises(engine.ImageError, match="needs"):
            engine.load_image(raw[:-5], width=388, height=374)

    def test_resamples_to_500_ppi_from_metadata(self, fvc_dir: Path) -> None:
        ref = engine.load_image(fvc_dir / "101_1.tif")
        big = cv2.resize(ref, (776, 748), interpolation=cv2.INTER_CUBIC)
        img = engine.load_image(_png(big, dpi=1000))
        assert img.shape == (374, 388)

    def test_ppi_argument_overrides_metadata(self, fvc_dir: Path) -> None:
        ref = engine.load_image(fvc_dir / "101_1.tif")
        img = engine.load_image(_png(ref, dpi=500), ppi=250)
        assert img.shape == (748, 776)

    def test_does_not_mutate_array_input(self, fvc_dir: Path) -> None:
        ref = engine.load_image(fvc_dir / "101_1.tif")
        before = ref.copy()
        engine.extract(ref)
        np.testing.assert_array_equal(ref, before)


class TestBadInput:
    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            (b"", "empty"),
            (b"this is not an image at all" * 10, "not a readable image"),
            (_png(np.full((300, 300), 128, np.uint8))[:60], "not a readable image"),
            (_png(np.full((50, 60), 128, np.uint8)), "too small"),
            (_png(np.full((300, 300), 200, np.uint8)), "blank"),
        ],
        ids=["empty", "not-an-image", "truncated", "tiny", "blank"],
    )
    def test_raises_image_error_with_reason(self, data: bytes, reason: str) -> None:
        with pytest.raises(engine.ImageError, match=reason):
            engine.extract(data)

    def test_huge_image_is_refused(self) -> None:
        with pytest.raises(engine.ImageError, match="too large"):
            engine.load_image(bytes(4100 * 120), width=4100, height=120)

    def test_wsq_is_unsupported(self) -> None:
        with pytest.raises(engine.UnsupportedFormat, match="WSQ"):
            engine.extract(b"\xff\xa0\xff\xa8" + bytes(100))

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(engine.ImageError, match="does not exist"):
            engine.extract(tmp_path / "nope.png")

    def test_noise_has_no_usable_ridges(self) -> None:
        rng = np.random.default_rng(1)
        noise = rng.integers(0, 256, (300, 300), dtype=np.uint8)
        with pytest.raises(engine.ExtractionError):
            engine.extract(noise)

    def test_errors_share_one_base(self) -> None:
        assert issubclass(engine.UnsupportedFormat, engine.ImageError)
        assert issubclass(engine.ImageError, engine.EngineError)
        assert issubclass(engine.ExtractionError, engine.EngineError)
