"""Local filesystem specifics: layout, atomic writes, cleanup and bounded memory."""

from __future__ import annotations

import gc
import os
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from peelian.core.storage import BlobIntegrityError, LocalBlobStore
from tests.core.storage._data import MIB, random_chunks, sha256_of

pytestmark = pytest.mark.integration


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _failing_stream(chunks: list[bytes]) -> Iterator[bytes]:
    yield from chunks
    raise ConnectionResetError("client went away mid-upload")


class TestPathFor:
    def test_path_is_sharded_by_the_first_two_byte_pairs(self, local_store: LocalBlobStore) -> None:
        sha = "abcdef" + "0" * 58

        assert local_store.path_for(sha) == local_store.root / "ab" / "cd" / sha

    def test_malformed_sha_cannot_escape_the_root(self, local_store: LocalBlobStore) -> None:
        with pytest.raises(ValueError, match="invalid sha256"):
            local_store.path_for("../" * 21 + "x")


class TestPut:
    def test_blob_lands_at_its_sharded_path(self, local_store: LocalBlobStore) -> None:
        ref = local_store.put([b"hello"])

        assert _files_under(local_store.root) == [local_store.path_for(ref.sha256)]
        assert local_store.path_for(ref.sha256).read_bytes() == b"hello"

    def test_failure_mid_stream_leaves_no_partial_or_temp_file(
        self, local_store: LocalBlobStore
    ) -> None:
        chunks = random_chunks(3 * MIB, seed=6)

        with pytest.raises(ConnectionResetError):
            local_store.put(_failing_stream(chunks))

        assert _files_under(local_store.root) == []
        assert not local_store.exists(sha256_of(chunks))

    def test_integrity_failure_leaves_no_temp_file(self, local_store: LocalBlobStore) -> None:
        with pytest.raises(BlobIntegrityError):
            local_store.put([b"tampered"], expected_sha256="1" * 64)

        assert _files_under(local_store.root) == []

    def test_duplicate_put_keeps_the_original_file(self, local_store: LocalBlobStore) -> None:
        ref = local_store.put([b"original"])
        before = local_store.path_for(ref.sha256).stat()

        local_store.put([b"original"])

        after = local_store.path_for(ref.sha256).stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
        assert _files_under(local_store.root) == [local_store.path_for(ref.sha256)]

    def test_rename_is_atomic_and_fsynced(
        self, local_store: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[str] = []
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd: int) -> None:
            calls.append("fsync")
            real_fsync(fd)

        def replace(src: Path, dst: Path) -> None:
            calls.append("replace")
            real_replace(src, dst)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)

        local_store.put([b"durable"])

        # File fsync, two new shard directories, the rename, then the final directory.
        assert calls == ["fsync", "fsync", "fsync", "replace", "fsync"]

    def test_64_mb_stream_is_never_held_in_memory(self, local_store: LocalBlobStore) -> None:
        chunk = os.urandom(MIB)
        gc.collect()
        tracemalloc.start()
        try:
            ref = local_store.put(chunk for _ in range(64))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert ref.size == 64 * MIB
        assert peak < 4 * MIB, f"put() peaked at {peak / MIB:.1f} MiB for a 64 MiB stream"

    def test_64_mb_file_is_read_in_bounded_chunks(
        self, local_store: LocalBlobStore, tmp_path: Path
    ) -> None:
        source = tmp_path / "upload.bin"
        with source.open("wb") as out:
            for _ in range(64):
                out.write(os.urandom(MIB))
        gc.collect()
        tracemalloc.start()
        try:
            with source.open("rb") as fp:
                ref = local_store.put(fp)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert ref.size == 64 * MIB
        assert peak < 4 * MIB, f"put() peaked at {peak / MIB:.1f} MiB for a 64 MiB file"


class TestRemoveStaleUploads:
    def test_only_old_temp_files_are_removed(self, local_store: LocalBlobStore) -> None:
        old = local_store.root / ".tmp" / "upload-old"
        fresh = local_store.root / ".tmp" / "upload-fresh"
        old.write_bytes(b"abandoned")
        fresh.write_bytes(b"in progress")
        os.utime(old, (time.time() - 7200, time.time() - 7200))
        blob = local_store.put([b"kept"])

        assert local_store.remove_stale_uploads(older_than_s=3600) == 1

        assert not old.exists()
        assert fresh.exists()
        assert local_store.exists(blob.sha256)


class TestVerify:
    def test_corrupted_file_fails_verification(self, local_store: LocalBlobStore) -> None:
        ref = local_store.put([b"original content"])
        path = local_store.path_for(ref.sha256)
        path.write_bytes(b"original c0ntent")

        assert local_store.verify(ref.sha256) is False
