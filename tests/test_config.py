"""Settings: a wrong or missing setting fails start-up with one line naming it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from peelian.config import ConfigError, load_settings

KEY = "k" * 40


class TestLoadSettings:
    def test_missing_secret_key_names_the_setting(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("PEELIAN_SECRET_KEY", raising=False)
        monkeypatch.chdir("/")  # no .env here
        with pytest.raises(ConfigError, match=r"^PEELIAN_SECRET_KEY is missing$"):
            load_settings()

    def test_short_secret_key(self) -> None:
        with pytest.raises(ConfigError, match="PEELIAN_SECRET_KEY"):
            load_settings(secret_key="short")

    def test_unknown_database_scheme(self) -> None:
        with pytest.raises(ConfigError, match="PEELIAN_DATABASE_URL must start with"):
            load_settings(secret_key=KEY, database_url="mysql://x")

    def test_bad_redis_url(self) -> None:
        with pytest.raises(ConfigError, match="PEELIAN_REDIS_URL"):
            load_settings(secret_key=KEY, redis_url="http://nope")

    def test_secrets_are_hidden_in_repr(self) -> None:
        assert KEY not in repr(load_settings(secret_key=KEY))

    def test_postgres_url_gets_the_psycopg_driver(self) -> None:
        s = load_settings(secret_key=KEY, database_url="postgresql://u@h/db")
        assert s.sqlalchemy_url == "postgresql+psycopg://u@h/db"


class TestCliStartup:
    def test_cli_prints_one_line_for_a_bad_setting(self, tmp_path: object) -> None:
        res = subprocess.run(
            [sys.executable, "-c", "from peelian.cli import main; main()", "db", "current"],
            capture_output=True,
            text=True,
            cwd=str(tmp_path),
            env={
                "PATH": "/usr/bin",
                "PEELIAN_SECRET_KEY": KEY,
                "PEELIAN_DATABASE_URL": "oracle://x",
            },
            check=False,
        )
        assert res.returncode == 2
        assert res.stderr.strip().splitlines() == [
            "peelian: error: PEELIAN_DATABASE_URL must start with sqlite:// or postgresql://"
        ]
