"""The `peelian` command on a temporary SQLite database: db, users, audit, demo."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from peelian.cli import app
from peelian.config import get_settings

KEY = "cli-test-secret-key-0123456789-abcdefghij"


@dataclass
class Cli:
    """Runs `peelian ...` in-process against a temporary SQLite database."""

    db: Path
    env: dict[str, str]

    def __call__(self, *args: str, check: bool = True) -> Result:
        get_settings.cache_clear()
        res = CliRunner().invoke(app, list(args), env=self.env)
        if check and res.exit_code != 0:
            raise AssertionError(f"{args} failed: {res.stderr} {res.exception!r}")
        return res


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    monkeypatch.chdir(tmp_path)
    env = {
        "PEELIAN_SECRET_KEY": KEY,
        "PEELIAN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PEELIAN_VAR_DIR": str(tmp_path / "var"),
        "PEELIAN_STORAGE_URL": str(tmp_path / "blobs"),
        "COLUMNS": "200",
    }
    runner = Cli(tmp_path / "cli.db", env)
    runner("db", "upgrade")
    yield runner
    get_settings.cache_clear()


class TestDb:
    def test_current_says_up_to_date(self, cli: Cli) -> None:
        assert "up to date" in cli("db", "current").stdout

    def test_downgrade_to_base_empties(self, cli: Cli) -> None:
        assert "base (empty)" in cli("db", "downgrade", "base").stdout


class TestUsers:
    def test_create_list_disable(self, cli: Cli) -> None:
        out = cli(
            "users",
            "create",
            "pc-cli",
            "--role",
            "officer",
            "--name",
            "PC Cli",
            "--collar-number",
            "42",
            "--password",
            "a-long-cli-password",
        ).stdout
        assert "TOTP secret" in out
        assert "pc-cli" in cli("users", "list").stdout
        assert "disabled pc-cli" in cli("users", "disable", "pc-cli").stdout

    def test_bad_input_is_one_line(self, cli: Cli) -> None:
        res = cli(
            "users",
            "create",
            "x",
            "--role",
            "citizen",
            "--name",
            "X",
            "--password",
            "short",
            check=False,
        )
        assert res.exit_code == 2
        assert len(res.stderr.strip().splitlines()) == 1
        assert res.stderr.startswith("peelian: error:")


class TestAuditVerify:
    def test_names_the_first_broken_event(self, cli: Cli) -> None:
        cli(
            "users", "create", "someone", "--role", "citizen", "--name", "S", "--password", "x" * 12
        )
        cli("users", "list")
        cli("audit", "checkpoint")
        assert "intact" in cli("audit", "verify").stdout
        with sqlite3.connect(cli.db) as conn:
            conn.execute("UPDATE audit_events SET purpose = 'edited' WHERE seq = 1")
        res = cli("audit", "verify", check=False)
        assert res.exit_code == 1
        assert "broken at event #1" in res.stderr


class TestDemo:
    def test_setup_twice_reuses_the_same_logins(self, cli: Cli) -> None:
        first = cli("demo", "setup", "--people", "0").stdout
        second = cli("demo", "setup", "--people", "0").stdout
        assert "demo-officer-" in first
        assert first == second
