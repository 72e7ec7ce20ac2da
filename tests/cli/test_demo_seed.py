"""`peelian demo seed`: a deterministic synthetic force on a temporary SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peelian.cli import app
from peelian.config import get_settings

KEY = "cli-test-secret-key-0123456789-abcdefghij"


def _run(tmp: Path, *args: str) -> str:
    env = {
        "PEELIAN_SECRET_KEY": KEY,
        "PEELIAN_DATABASE_URL": f"sqlite:///{tmp / 'cli.db'}",
        "PEELIAN_VAR_DIR": str(tmp / "var"),
        "PEELIAN_STORAGE_URL": str(tmp / "blobs"),
        "COLUMNS": "200",
    }
    get_settings.cache_clear()
    try:
        res = CliRunner().invoke(app, list(args), env=env)
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, f"{args}: {res.output} {res.exception!r}"
    return res.output


def _people(db: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT given_names, family_name, date_of_birth, ethnicity FROM people ORDER BY id"
        ).fetchall()
    return [tuple(r) for r in rows]


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    _run(tmp_path, "db", "upgrade")
    return tmp_path


class TestDemoSeed:
    def test_same_seed_gives_the_same_people(self, tmp_path: Path, seeded: Path) -> None:
        out = _run(seeded, "demo", "seed", "--people", "300", "--seed", "7")
        assert "Seeded 300 people" in out
        other = tmp_path / "other"
        other.mkdir()
        _run(other, "db", "upgrade")
        _run(other, "demo", "seed", "--people", "300", "--seed", "7")
        assert _people(seeded / "cli.db") == _people(other / "cli.db")

    def test_another_seed_gives_other_people(self, tmp_path: Path, seeded: Path) -> None:
        _run(seeded, "demo", "seed", "--people", "100", "--seed", "1")
        other = tmp_path / "other"
        other.mkdir()
        _run(other, "db", "upgrade")
        _run(other, "demo", "seed", "--people", "100", "--seed", "2")
        assert _people(seeded / "cli.db") != _people(other / "cli.db")

    def test_setup_seeds_a_modest_force_once(self, seeded: Path) -> None:
        _run(seeded, "demo", "setup", "--no-show", "--people", "150")
        _run(seeded, "demo", "setup", "--no-show", "--people", "150")
        assert len(_people(seeded / "cli.db")) == 150
