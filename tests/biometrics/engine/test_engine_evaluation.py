"""Evaluation harness and the `bio` CLI on a small FVC subset."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peelian.biometrics.engine import evaluation
from peelian.cli.bio import app

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def subset(fvc_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three fingers, three impressions each."""
    folder = tmp_path_factory.mktemp("fvc_subset")
    for f in (101, 102, 103):
        for k in (1, 2, 3):
            shutil.copy(fvc_dir / f"{f}_{k}.tif", folder / f"{f}_{k}.tif")
    return folder


class TestErrorRates:
    def test_perfect_separation(self) -> None:
        r = evaluation.error_rates([50, 60, 70], [0, 5, 10])
        assert r.eer == 0
        assert r.fmr100 == 0
        assert r.fmr1000 == 0
        assert r.zerofmr == 0

    def test_overlap(self) -> None:
        r = evaluation.error_rates([1, 5, 9, 20], [0, 2, 6, 10])
        assert r.eer == pytest.approx(0.5)
        assert r.fmr100 == pytest.approx(0.75)
        assert r.zerofmr == pytest.approx(0.75)

    def test_eer_between_thresholds_is_the_midpoint(self) -> None:
        r = evaluation.error_rates([5, 10], [0, 1, 2, 6])
        assert r.eer == pytest.approx(0.125)

    def test_needs_scores(self) -> None:
        with pytest.raises(ValueError, match="at least one"):
            evaluation.error_rates([], [1.0])


class TestEvaluate:
    def test_protocol_counts_and_plots(self, subset: Path, tmp_path: Path) -> None:
        result = evaluation.evaluate(subset, throughput=False)
        assert len(result.genuine) == 3 * 3
        assert len(result.fvc_impostor) == 3
        assert len(result.impostor) == 27
        assert result.failed_enrolments == []
        assert result.all_pairs.eer <= 0.2
        evaluation.plot_det(result, tmp_path / "det.png")
        evaluation.plot_histograms(result, tmp_path / "hist.png")
        for name in ("det.png", "hist.png"):
            assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")

    def test_failed_enrolment_scores_zero(self, subset: Path, tmp_path: Path) -> None:
        folder = tmp_path / "with_blank"
        shutil.copytree(subset, folder)
        (folder / "104_1.tif").write_bytes(b"not an image")
        (folder / "104_2.tif").write_bytes(b"")
        result = evaluation.evaluate(folder, throughput=False)
        assert len(result.failed_enrolments) == 2
        assert 0.0 in result.genuine


class TestCli:
    def test_eval_prints_json_with_the_keys(self, subset: Path, tmp_path: Path) -> None:
        res = CliRunner().invoke(app, ["eval", str(subset), "--json", "--out", str(tmp_path)])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout.strip().splitlines()[-1])
        for key in (
            "eer",
            "fmr100",
            "fmr1000",
            "zerofmr",
            "extract_ms_median",
            "comparisons_per_s",
        ):
            assert key in data
        assert data["comparisons_per_s"] > 0
        assert (tmp_path / "det.png").is_file()

    def test_compare_writes_explanation(self, fvc_dir: Path, tmp_path: Path) -> None:
        out = tmp_path / "cmp.png"
        res = CliRunner().invoke(
            app,
            ["compare", str(fvc_dir / "101_1.tif"), str(fvc_dir / "101_2.tif"), "--png", str(out)],
        )
        assert res.exit_code == 0, res.output
        assert "score:" in res.stdout
        assert "FMR:" in res.stdout
        assert out.read_bytes().startswith(b"\x89PNG")

    def test_extract_prints_count_and_quality(self, fvc_dir: Path, tmp_path: Path) -> None:
        res = CliRunner().invoke(
            app, ["extract", str(fvc_dir / "101_1.tif"), "--out", str(tmp_path / "x.png")]
        )
        assert res.exit_code == 0, res.output
        assert "minutiae:" in res.stdout
        assert "quality:" in res.stdout

    def test_errors_exit_2_without_traceback(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.png"
        bad.write_bytes(b"nope")
        res = CliRunner().invoke(app, ["extract", str(bad)])
        assert res.exit_code == 2
        assert "Traceback" not in res.output
        assert "error" in res.output
