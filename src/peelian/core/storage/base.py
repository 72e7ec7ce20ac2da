"""The blob store interface, its value types and errors, and helpers the backends share."""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

# One mebibyte keeps syscalls and HTTP reads few while bounding memory per stream.
CHUNK_SIZE = 1024 * 1024

_SHA256_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class BlobRef:
    """The address of a stored blob: its SHA-256 (lowercase hex) and its size in bytes."""

    sha256: str
    size: int


class StorageError(Exception):
    """Base class for blob storage failures."""


class BlobNotFound(StorageError, KeyError):
    """No blob is stored under the requested SHA-256."""

    def __init__(self, sha256: str) -> None:
        super().__init__(sha256)
        self.sha256 = sha256

    def __str__(self) -> str:
        return f"no blob stored with sha256 {self.sha256}"


class BlobIntegrityError(StorageError):
    """The content did not hash to the SHA-256 the caller expected; nothing was stored."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(expected, actual)
        self.expected = expected
        self.actual = actual

    def __str__(self) -> str:
        return f"content hashes to sha256 {self.actual}, expected {self.expected}"


def validate_sha256(value: str) -> str:
    """Return `value` if it is 64 lowercase hex digits, else raise ValueError."""
    if not isinstance(value, str) or _SHA256_RE.fullmatch(value) is None:
        raise ValueError(f"invalid sha256 {value!r}: expected 64 lowercase hexadecimal digits")
    return value


def iter_chunks(
    source: BinaryIO | Iterable[bytes], chunk_size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """Yield the non-empty byte chunks of a binary file or an iterable of bytes."""
    read = getattr(source, "read", None)
    if read is not None:
        while chunk := read(chunk_size):
            yield chunk
        return
    for chunk in source:
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise TypeError(f"blob streams must yield bytes, got {type(chunk).__name__}")
        if chunk:
            yield bytes(chunk)


def hash_stream(
    stream: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None
) -> BlobRef:
    """Hash a stream without keeping it; raise BlobIntegrityError if it is not as expected."""
    digest = hashlib.sha256()
    size = 0
    for chunk in iter_chunks(stream):
        digest.update(chunk)
        size += len(chunk)
    sha256 = digest.hexdigest()
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise BlobIntegrityError(expected_sha256, sha256)
    return BlobRef(sha256=sha256, size=size)


class BlobStore(ABC):
    """Content-addressed storage: a blob's key is the SHA-256 of its bytes.

    Streams go in and out in chunks so no backend ever holds a whole blob in memory.
    `open()` looks the blob up eagerly (raising BlobNotFound at once) and returns a binary
    file object to use as a context manager: ``with store.open(sha) as fp: fp.read(n)``.
    """

    @abstractmethod
    def put(
        self, stream: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None
    ) -> BlobRef:
        """Store the stream's bytes and return their address; storing known bytes is a no-op."""

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """Return a readable binary file over the blob, or raise BlobNotFound."""

    @abstractmethod
    def exists(self, sha256: str) -> bool:
        """Return whether a blob is stored under `sha256`."""

    @abstractmethod
    def size(self, sha256: str) -> int:
        """Return the blob's size in bytes, or raise BlobNotFound."""

    @abstractmethod
    def delete(self, sha256: str) -> bool:
        """Delete the blob; return False if there was nothing to delete."""

    def iter_bytes(self, sha256: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the blob in chunks (for streaming responses); raises BlobNotFound eagerly."""
        fp = self.open(sha256)
        return _closing_chunks(fp, chunk_size)

    def verify(self, sha256: str) -> bool:
        """Rehash the stored blob and return whether it still matches its address."""
        digest = hashlib.sha256()
        with self.open(sha256) as fp:
            for chunk in iter_chunks(fp):
                digest.update(chunk)
        return digest.hexdigest() == sha256


def _closing_chunks(fp: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    # A separate generator so the lookup in iter_bytes() happens at call time, not first next().
    with fp:
        yield from iter_chunks(fp, chunk_size)
