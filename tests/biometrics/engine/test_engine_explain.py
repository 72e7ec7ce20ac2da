"""Explanations: pairs, transform and the rendered PNG."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from peelian.biometrics import engine

pytestmark = pytest.mark.unit


class TestExplain:
    def test_pairs_index_both_templates(self, fvc_template) -> None:
        a, b = fvc_template("106_1"), fvc_template("106_2")
        ex = engine.explain(a, b)
        assert ex.pairs.shape[1] == 2
        assert len(ex.pairs) >= 8
        assert ex.pairs[:, 0].max() < len(a)
        assert ex.pairs[:, 1].max() < len(b)
        assert len(set(ex.pairs[:, 0].tolist())) == len(ex.pairs)
        assert ex.score == pytest.approx(engine.compare(a, b))

    def test_transform_maps_paired_minutiae_close(self, fvc_template) -> None:
        a, b = fvc_template("106_1"), fvc_template("106_2")
        ex = engine.explain(a, b)
        mapped = ex.transform(a.x[ex.pairs[:, 0]], a.y[ex.pairs[:, 0]])
        dist = np.hypot(mapped[:, 0] - b.x[ex.pairs[:, 1]], mapped[:, 1] - b.y[ex.pairs[:, 1]])
        assert float(np.median(dist)) < 10.0


class TestRenderComparison:
    def test_png_shows_both_prints(self, fvc_dir: Path, fvc_template) -> None:
        a, b = fvc_template("107_1"), fvc_template("107_2")
        png = engine.render_comparison(
            fvc_dir / "107_1.tif", a, fvc_dir / "107_2.tif", b, engine.explain(a, b)
        )
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
        assert img is not None
        assert img.shape[1] > 2 * a.width
        assert img.shape[0] >= a.height
