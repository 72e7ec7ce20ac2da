"""FVC-style database writing and the `peelian bio synth` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from peelian.biometrics.engine.synthesis import finger_number, generate_dataset
from peelian.cli.bio_synth import synth


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(synth)
    return app


@pytest.mark.unit
class TestGenerateDataset:
    def test_writes_fvc_names_and_truth(self, tmp_path: Path) -> None:
        calls: list[tuple[int, int]] = []
        paths = generate_dataset(tmp_path, 2, 2, seed=3, progress=lambda d, t: calls.append((d, t)))
        assert [p.name for p in paths] == ["101_1.tif", "101_2.tif", "102_1.tif", "102_2.tif"]
        assert calls == [(2, 4), (4, 4)]
        with Image.open(paths[0]) as img:
            assert img.mode == "L"
            assert round(img.info["dpi"][0]) == 500
            pixels = np.asarray(img)
        truth = json.loads(paths[0].with_suffix(".json").read_text())
        assert truth["finger"] == 101
        assert truth["impression"] == 1
        assert (truth["width"], truth["height"]) == (pixels.shape[1], pixels.shape[0])
        assert truth["minutiae"]
        assert {"x", "y", "angle", "kind"} <= truth["minutiae"][0].keys()
        index = json.loads((tmp_path / "index.json").read_text())
        assert set(index["classes"]) == {"101", "102"}

    def test_same_seed_writes_identical_files(self, tmp_path: Path) -> None:
        a = generate_dataset(tmp_path / "a", 1, 2, seed=9)
        b = generate_dataset(tmp_path / "b", 1, 2, seed=9)
        for p, q in zip(a, b, strict=True):
            assert p.read_bytes() == q.read_bytes()

    def test_rejects_counts_below_one(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="at least 1"):
            generate_dataset(tmp_path, 0, 8, seed=1)

    def test_finger_numbers_start_at_101(self) -> None:
        assert finger_number(0) == 101
        assert finger_number(99) == 200


@pytest.mark.slow
class TestGenerateDatasetWorkers:
    def test_output_does_not_depend_on_workers(self, tmp_path: Path) -> None:
        a = generate_dataset(tmp_path / "a", 2, 1, seed=4, workers=1)
        b = generate_dataset(tmp_path / "b", 2, 1, seed=4, workers=2)
        for p, q in zip(a, b, strict=True):
            assert p.read_bytes() == q.read_bytes()


@pytest.mark.unit
class TestSynthCommand:
    def test_writes_nnn_k_files(self, tmp_path: Path) -> None:
        out = tmp_path / "db"
        result = CliRunner().invoke(
            cli(), ["--fingers", "2", "--impressions", "3", "--out", str(out), "--seed", "5"]
        )
        assert result.exit_code == 0, result.output
        names = sorted(p.name for p in out.glob("*.tif"))
        assert names == [f"{n}_{k}.tif" for n in (101, 102) for k in (1, 2, 3)]
        assert "wrote 6 impressions" in result.output

    def test_zero_fingers_is_a_one_line_error(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(cli(), ["--fingers", "0", "--out", str(tmp_path)])
        assert result.exit_code == 2
        assert "--fingers must be at least 1" in result.output
        assert len(result.output.strip().splitlines()) == 1

    def test_out_that_is_a_file_is_an_error(self, tmp_path: Path) -> None:
        target = tmp_path / "taken"
        target.write_text("x")
        result = CliRunner().invoke(cli(), ["--fingers", "1", "--out", str(target)])
        assert result.exit_code == 2
        assert "not a directory" in result.output

    def test_out_is_required(self) -> None:
        result = CliRunner().invoke(cli(), ["--fingers", "1"])
        assert result.exit_code == 2
