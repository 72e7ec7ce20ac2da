"""`peelian device ...` end to end against the live server, as an officer would use it."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

from tests.fixtures.mobile import stop_search_data
from tests.mobile.live import PASSWORD, ROOT, LiveServer, code_now


def _peelian(live: LiveServer, store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(live.env, PEELIAN_DEVICE_STORE=str(store))
    return subprocess.run(
        [sys.executable, "-c", "from peelian.cli import main; main()", "device", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


class TestDeviceCli:
    def test_register_submit_sync_status(self, live_server: LiveServer, tmp_path: Path) -> None:
        name = f"cli-{uuid.uuid4().hex[:8]}"
        code = code_now(live_server.make_officer(name))
        store = tmp_path / "phone.db"
        res = _peelian(
            live_server,
            store,
            "register",
            "--server",
            live_server.url,
            "--username",
            name,
            "--password",
            PASSWORD,
            "--code",
            code,
        )
        assert res.returncode == 0, res.stderr
        answers = tmp_path / "ss.json"
        answers.write_text(json.dumps(stop_search_data()))
        res = _peelian(
            live_server,
            store,
            "submit",
            "--form",
            "stop_search",
            "--version",
            "2023-12-20.1",
            "--data",
            str(answers),
        )
        assert "1 unsent" in res.stdout
        assert _peelian(live_server, store, "note", "0700 on duty").returncode == 0
        res = _peelian(live_server, store, "sync")
        assert res.returncode == 0, res.stderr
        assert "pushed 2" in res.stdout
        status = _peelian(live_server, store, "status").stdout
        assert "unsent  0" in status
        assert "acknowledged  2" in status

    def test_unreachable_server_is_one_line_and_keeps_the_data(self, tmp_path: Path) -> None:
        store = tmp_path / "phone.db"
        from peelian.mobile.client import DeviceStore

        db = DeviceStore(store)
        db.set(server="http://127.0.0.1:9", device_id=str(uuid.uuid4()))
        db.enqueue(str(uuid.uuid4()), "notebook.append", {"text": "x"}, "2026-11-29T00:00:00Z")
        db.close()
        env_live = LiveServer.__new__(LiveServer)
        env_live.env = {
            "PEELIAN_SECRET_KEY": "x" * 40,
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT / "src"),
        }
        res = _peelian(env_live, store, "sync")
        assert res.returncode == 2
        assert "nothing was lost" in res.stderr
        assert DeviceStore(store).counts()["unsent"] == 1
