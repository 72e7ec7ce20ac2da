"""`peelian bio enrol/unenrol` and the demo's fingerprints, on a temporary SQLite database."""

from __future__ import annotations

import io
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from PIL import Image
from tests.fixtures.biometrics_enrol import fvc, fvc_png
from typer.testing import CliRunner

from peelian.biometrics.ansi_nist import FingerCapture, build_transaction
from peelian.cli import app
from peelian.config import get_settings

KEY = "cli-test-secret-key-0123456789-abcdefghij"


@dataclass
class Cli:
    """Runs `peelian ...` in-process against a temporary SQLite database."""

    root: Path
    env: dict[str, str]

    def __call__(self, *args: str, ok: bool = True) -> Result:
        get_settings.cache_clear()
        try:
            res = CliRunner().invoke(app, list(args), env=self.env)
        finally:
            get_settings.cache_clear()
        if ok:
            assert res.exit_code == 0, f"{args}: {res.output} {res.exception!r}"
        return res

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.root / "cli.db") as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    env = {
        "PEELIAN_SECRET_KEY": KEY,
        "PEELIAN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PEELIAN_VAR_DIR": str(tmp_path / "var"),
        "PEELIAN_STORAGE_URL": str(tmp_path / "blobs"),
        "COLUMNS": "200",
    }
    runner = Cli(tmp_path, env)
    runner("db", "upgrade")
    return runner


def _dashed(hex_id: object) -> str:
    text = str(hex_id).replace("-", "")
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


class TestBioEnrolCli:
    def test_enrol_reenrol_from_ansi_nist_and_unenrol(self, cli: Cli, tmp_path: Path) -> None:
        cli("demo", "seed", "--people", "5")
        person = _dashed(cli.rows("SELECT id FROM people ORDER BY id LIMIT 1")[0][0])
        right = _write(tmp_path / "r.tif", fvc(101, 1))
        left = _write(tmp_path / "l.tif", fvc(102, 1))
        out = cli("bio", "enrol", person, "--finger", f"2={right}", "--finger", f"7={left}").output
        assert f"enrolled 2 fingers for {person} (version 1" in out

        tx = build_transaction(
            fingers=[
                FingerCapture(2, fvc_png(103, 1), 388, 374),
                FingerCapture(7, fvc_png(104, 1), 388, 374),
            ],
            type2={"2.100": person},
        )
        an2 = _write(tmp_path / "set.an2", tx)
        assert "(version 2" in cli("bio", "enrol", person, "--ansi-nist", an2).output
        assert cli.rows("SELECT source, version FROM biometric_enrolments") == [("ansi-nist", 2)]

        out = cli("bio", "unenrol", person, "--reason", "NFA: destroy the prints").output
        assert "destroyed" in out
        assert cli.rows("SELECT count(*) FROM biometric_fingers") == [(0,)]
        assert [r[0] for r in cli.rows("SELECT action FROM biometric_gallery_changes")] == [
            "add",
            "add",
            "remove",
        ]

    def test_bad_input_is_one_line_and_changes_nothing(self, cli: Cli, tmp_path: Path) -> None:
        cli("demo", "seed", "--people", "5")
        person = _dashed(cli.rows("SELECT id FROM people ORDER BY id LIMIT 1")[0][0])
        right = _write(tmp_path / "r.tif", fvc(101, 1))
        noise = io.BytesIO()
        Image.new("L", (300, 300), 128).save(noise, format="PNG")
        blank = _write(tmp_path / "blank.png", noise.getvalue())
        cases = [
            (("--finger", f"11={right}", "--finger", f"2={right}"), "finger code 11"),
            (("--finger", f"2={right}", "--finger", f"7={blank}"), "finger 7 (left index)"),
            (("--finger", "2"), "should be CODE=PATH"),
            (("--finger", f"2={tmp_path / 'missing.png'}"), "cannot read"),
            (("--ansi-nist", right), "malformed ANSI/NIST-ITL transaction"),
        ]
        for args, expected in cases:
            res = cli("bio", "enrol", person, *args, ok=False)
            assert res.exit_code == 2, res.output
            assert expected in res.stderr
            assert len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert cli.rows("SELECT count(*) FROM biometric_enrolments") == [(0,)]
        res = cli("bio", "unenrol", person, "--reason", "no such prints", ok=False)
        assert "no fingerprints are enrolled for this person" in res.stderr


class TestDemoFingerprints:
    def test_setup_enrols_people_and_writes_red_amber_green_probes(self, cli: Cli) -> None:
        args = ("demo", "setup", "--no-show", "--people", "80", "--fingerprints", "3")
        cli(*args, "--fingerprint-templates", "10")
        probes = cli.root / "var" / "demo" / "probes"
        manifest = json.loads((probes / "probes.json").read_text())
        assert set(manifest) == {"red", "amber", "green"}
        for item in manifest.values():
            assert len(item["files"]) == 2
            assert all(Path(f).is_file() for f in item["files"])
        assert cli.rows("SELECT count(*) FROM biometric_enrolments") == [(13,)]
        red = manifest["red"]["person_id"].replace("-", "")
        kinds = cli.rows(f"SELECT kind FROM person_flags WHERE person_id = '{red}'")
        assert ("fta_warrant",) in kinds
        assert manifest["green"]["person_id"] is None
        out = cli("demo", "logins").output
        assert "Demo fingerprint probes" in out
        assert "red_finger_2_right_index.png" in out
        cli(*args)  # a second run enrols nothing more
        assert cli.rows("SELECT count(*) FROM biometric_enrolments") == [(13,)]
