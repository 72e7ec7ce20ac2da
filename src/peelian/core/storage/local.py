"""Blob store on a local filesystem: sharded paths, atomic and durable writes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from peelian.core.storage.base import (
    CHUNK_SIZE,
    BlobIntegrityError,
    BlobNotFound,
    BlobRef,
    BlobStore,
    hash_stream,
    iter_chunks,
    validate_sha256,
)

# Temporary uploads live under the root so os.replace() stays on one filesystem (and atomic);
# the leading dot keeps the name out of the hex shard namespace.
_TMP_DIR = ".tmp"


class LocalBlobStore(BlobStore):
    """Stores each blob at ``root/ab/cd/abcd…`` (its SHA-256), written atomically.

    A put streams into a temporary file while hashing, fsyncs it, renames it into place and
    fsyncs the directory, so a crash leaves either the whole blob or none of it.
    """

    def __init__(self, root: Path | str, *, chunk_size: int = CHUNK_SIZE, fsync: bool = True):
        self.root = Path(root)
        self.chunk_size = chunk_size
        # fsync can be turned off for throwaway test stores; production keeps it on.
        self.fsync = fsync
        self._tmp = self.root / _TMP_DIR
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        """Return the path a blob with this SHA-256 is (or would be) stored at."""
        validate_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(
        self, stream: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None
    ) -> BlobRef:
        """Stream into a temporary file while hashing, then move it into place atomically."""
        if expected_sha256 is not None:
            validate_sha256(expected_sha256)
        if expected_sha256 is not None and self.exists(expected_sha256):
            # The caller knows the hash and we hold it: check the bytes, but send none of them.
            return hash_stream(stream, expected_sha256=expected_sha256)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="upload-")
        tmp_path = Path(tmp_name)
        try:
            ref = self._write(fd, stream)
            if expected_sha256 is not None and ref.sha256 != expected_sha256:
                raise BlobIntegrityError(expected_sha256, ref.sha256)
            final = self.path_for(ref.sha256)
            if final.exists():
                # Same bytes are already stored; keep the original file untouched.
                tmp_path.unlink()
                return ref
            self._make_shard_dirs(final.parent)
            os.replace(tmp_path, final)
            self._fsync_dir(final.parent)
            return ref
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise

    def _write(self, fd: int, stream: BinaryIO | Iterable[bytes]) -> BlobRef:
        digest = hashlib.sha256()
        size = 0
        with open(fd, "wb", closefd=True) as out:
            for chunk in iter_chunks(stream, self.chunk_size):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            if self.fsync:
                os.fsync(out.fileno())
        return BlobRef(sha256=digest.hexdigest(), size=size)

    def _make_shard_dirs(self, shard: Path) -> None:
        for directory in (shard.parent, shard):
            if not directory.is_dir():
                directory.mkdir(exist_ok=True)
                # A new directory entry is only durable once its parent is fsynced.
                self._fsync_dir(directory.parent)

    def _fsync_dir(self, directory: Path) -> None:
        if not self.fsync:
            return
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def remove_stale_uploads(self, older_than_s: float = 24 * 3600) -> int:
        """Delete temporary upload files a crash left behind; return how many were removed."""
        # Failed puts clean up after themselves; only a killed process leaves files here, and
        # an upload still running keeps touching its file, so age marks the abandoned ones.
        cutoff = time.time() - older_than_s
        removed = 0
        for entry in self._tmp.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    entry.unlink()
                    removed += 1
        return removed

    def open(self, sha256: str) -> BinaryIO:
        """Return the stored file opened for binary reading, or raise BlobNotFound."""
        try:
            return self.path_for(sha256).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def exists(self, sha256: str) -> bool:
        """Return whether the blob's file exists."""
        return self.path_for(sha256).is_file()

    def size(self, sha256: str) -> int:
        """Return the blob's size from the file system, or raise BlobNotFound."""
        try:
            return self.path_for(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def delete(self, sha256: str) -> bool:
        """Remove the blob's file; return False if it was not there."""
        path = self.path_for(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        # Empty shard directories are harmless; pruning them races with concurrent puts.
        with contextlib.suppress(OSError):
            self._fsync_dir(path.parent)
        return True
