"""A blob store that keeps nothing: for tests and for paths where nothing may be persisted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from peelian.core.storage.base import (
    BlobNotFound,
    BlobRef,
    BlobStore,
    hash_stream,
    validate_sha256,
)


class NullBlobStore(BlobStore):
    """Hashes what it is given, then forgets it; every lookup finds nothing."""

    def put(
        self, stream: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None
    ) -> BlobRef:
        """Hash the stream, discard it and return the address it would have had."""
        if expected_sha256 is not None:
            validate_sha256(expected_sha256)
        return hash_stream(stream, expected_sha256=expected_sha256)

    def open(self, sha256: str) -> BinaryIO:
        """Always raise BlobNotFound: nothing is kept."""
        raise BlobNotFound(validate_sha256(sha256))

    def exists(self, sha256: str) -> bool:
        """Always False: nothing is kept."""
        validate_sha256(sha256)
        return False

    def size(self, sha256: str) -> int:
        """Always raise BlobNotFound: nothing is kept."""
        raise BlobNotFound(validate_sha256(sha256))

    def delete(self, sha256: str) -> bool:
        """Always False: there is never anything to delete."""
        validate_sha256(sha256)
        return False
