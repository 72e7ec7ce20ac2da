"""Key files under var/: created once, the same key for every process that races to create it."""

from __future__ import annotations

import base64
import os
import stat
import threading
from pathlib import Path

from peelian.core.keyfile import read_or_create


class TestReadOrCreate:
    def test_creates_the_file_private_and_returns_its_key(self, tmp_path: Path) -> None:
        path = tmp_path / "var" / "k.key"
        text = read_or_create(path, lambda: b"\x01" * 32)
        assert base64.b64decode(text) == b"\x01" * 32
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def test_an_existing_key_is_kept(self, tmp_path: Path) -> None:
        path = tmp_path / "k.key"
        first = read_or_create(path, lambda: b"\x01" * 32)
        assert read_or_create(path, lambda: b"\x02" * 32) == first

    def test_racing_creators_all_read_one_key(self, tmp_path: Path) -> None:
        path = tmp_path / "k.key"
        start = threading.Barrier(8)
        found: list[str] = []

        def create(i: int) -> None:
            start.wait()
            found.append(read_or_create(path, lambda: os.urandom(31) + bytes([i])))

        threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(found)) == 1
        assert found[0] == path.read_text()
        assert list(tmp_path.iterdir()) == [path]  # no temporary files left behind
