"""The null store hashes what it is given and keeps nothing."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc

import pytest

from peelian.core.storage import BlobIntegrityError, BlobNotFound, BlobRef, NullBlobStore

pytestmark = pytest.mark.unit

MIB = 1024 * 1024
SHA = hashlib.sha256(b"kept nowhere").hexdigest()


@pytest.fixture
def store() -> NullBlobStore:
    return NullBlobStore()


class TestPut:
    def test_returns_the_address_and_size(self, store: NullBlobStore) -> None:
        assert store.put([b"kept ", b"nowhere"]) == BlobRef(sha256=SHA, size=12)

    def test_reads_binary_files(self, store: NullBlobStore) -> None:
        assert store.put(io.BytesIO(b"kept nowhere")).sha256 == SHA

    def test_nothing_is_kept(self, store: NullBlobStore) -> None:
        ref = store.put([b"kept nowhere"])

        assert not store.exists(ref.sha256)

    def test_expected_sha_mismatch_is_reported(self, store: NullBlobStore) -> None:
        with pytest.raises(BlobIntegrityError, match=f"hashes to sha256 {SHA}, expected 3{{64}}"):
            store.put([b"kept nowhere"], expected_sha256="3" * 64)

    def test_64_mb_stream_is_never_held_in_memory(self, store: NullBlobStore) -> None:
        chunk = os.urandom(MIB)
        tracemalloc.start()
        try:
            store.put(chunk for _ in range(64))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert peak < 2 * MIB


class TestOpen:
    def test_raises_blob_not_found(self, store: NullBlobStore) -> None:
        with pytest.raises(BlobNotFound):
            store.open(SHA)

    def test_malformed_sha_raises_value_error(self, store: NullBlobStore) -> None:
        with pytest.raises(ValueError, match="invalid sha256"):
            store.open("nope")


class TestSize:
    def test_raises_blob_not_found(self, store: NullBlobStore) -> None:
        with pytest.raises(BlobNotFound):
            store.size(SHA)


class TestExists:
    def test_is_always_false(self, store: NullBlobStore) -> None:
        assert store.exists(SHA) is False


class TestDelete:
    def test_is_always_false(self, store: NullBlobStore) -> None:
        assert store.delete(SHA) is False
