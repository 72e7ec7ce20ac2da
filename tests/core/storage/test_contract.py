"""The contract every persistent blob store honours, run against local and S3 backends."""

from __future__ import annotations

import hashlib
import io

import pytest

from peelian.core.storage import BlobIntegrityError, BlobNotFound, BlobRef, BlobStore
from tests.core.storage._data import MIB, random_chunks, sha256_of

pytestmark = pytest.mark.integration

EMPTY_SHA = hashlib.sha256(b"").hexdigest()
MISSING_SHA = "0" * 64
BAD_SHAS = ["", "abc", "A" * 64, "g" * 64, "0" * 63, "0" * 65, " " + "0" * 63]


class TestPut:
    def test_multi_megabyte_chunked_stream_round_trips(self, blob_store: BlobStore) -> None:
        chunks = random_chunks(11 * MIB + 123)

        ref = blob_store.put(iter(chunks))

        assert ref == BlobRef(sha256=sha256_of(chunks), size=11 * MIB + 123)
        with blob_store.open(ref.sha256) as fp:
            read_back = hashlib.sha256()
            while block := fp.read(MIB):
                read_back.update(block)
        assert read_back.hexdigest() == ref.sha256

    def test_binary_file_is_read_in_chunks(self, blob_store: BlobStore) -> None:
        data = b"".join(random_chunks(3 * MIB + 5, seed=2))

        ref = blob_store.put(io.BytesIO(data))

        assert ref == BlobRef(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        with blob_store.open(ref.sha256) as fp:
            assert fp.read() == data

    def test_same_bytes_twice_is_idempotent(self, blob_store: BlobStore) -> None:
        first = blob_store.put([b"evidence ", b"bytes"])

        second = blob_store.put([b"evidence bytes"])

        assert first == second
        assert blob_store.size(first.sha256) == len(b"evidence bytes")

    def test_empty_stream_is_stored(self, blob_store: BlobStore) -> None:
        ref = blob_store.put(iter(()))

        assert ref == BlobRef(sha256=EMPTY_SHA, size=0)
        with blob_store.open(EMPTY_SHA) as fp:
            assert fp.read() == b""

    def test_matching_expected_sha_is_stored(self, blob_store: BlobStore) -> None:
        expected = hashlib.sha256(b"statement").hexdigest()

        ref = blob_store.put([b"statement"], expected_sha256=expected)

        assert ref.sha256 == expected
        assert blob_store.exists(expected)

    def test_expected_sha_mismatch_stores_nothing(self, blob_store: BlobStore) -> None:
        chunks = random_chunks(6 * MIB, seed=3)

        with pytest.raises(BlobIntegrityError) as excinfo:
            blob_store.put(iter(chunks), expected_sha256=MISSING_SHA)

        assert excinfo.value.actual == sha256_of(chunks)
        assert not blob_store.exists(sha256_of(chunks))
        assert not blob_store.exists(MISSING_SHA)

    def test_known_expected_sha_is_checked_without_storing_again(
        self, blob_store: BlobStore
    ) -> None:
        chunks = random_chunks(6 * MIB, seed=13)
        ref = blob_store.put(iter(chunks))

        assert blob_store.put(iter(chunks), expected_sha256=ref.sha256) == ref
        with pytest.raises(BlobIntegrityError):
            blob_store.put([b"other bytes"], expected_sha256=ref.sha256)
        assert blob_store.verify(ref.sha256)

    def test_malformed_expected_sha_is_rejected(self, blob_store: BlobStore) -> None:
        with pytest.raises(ValueError, match="64 lowercase hexadecimal"):
            blob_store.put([b"x"], expected_sha256="ABC")

    def test_non_bytes_chunk_is_rejected(self, blob_store: BlobStore) -> None:
        with pytest.raises(TypeError, match="must yield bytes"):
            blob_store.put(["text"])  # type: ignore[list-item]


class TestOpen:
    def test_missing_blob_raises_blob_not_found(self, blob_store: BlobStore) -> None:
        with pytest.raises(BlobNotFound) as excinfo:
            blob_store.open(MISSING_SHA)

        assert isinstance(excinfo.value, KeyError)
        assert MISSING_SHA in str(excinfo.value)

    @pytest.mark.parametrize("sha", BAD_SHAS)
    def test_malformed_sha_raises_value_error(self, blob_store: BlobStore, sha: str) -> None:
        with pytest.raises(ValueError, match="invalid sha256"):
            blob_store.open(sha)

    def test_partial_reads_return_requested_ranges(self, blob_store: BlobStore) -> None:
        ref = blob_store.put([b"0123456789"])

        with blob_store.open(ref.sha256) as fp:
            assert fp.read(3) == b"012"
            assert fp.read(4) == b"3456"
            assert fp.read() == b"789"


class TestIterBytes:
    def test_chunks_concatenate_to_the_content(self, blob_store: BlobStore) -> None:
        chunks = random_chunks(2 * MIB + 1, seed=4)
        ref = blob_store.put(iter(chunks))

        out = list(blob_store.iter_bytes(ref.sha256, chunk_size=MIB))

        assert [len(c) for c in out] == [MIB, MIB, 1]
        assert b"".join(out) == b"".join(chunks)

    def test_missing_blob_raises_before_iteration(self, blob_store: BlobStore) -> None:
        with pytest.raises(BlobNotFound):
            blob_store.iter_bytes(MISSING_SHA)


class TestExists:
    def test_stored_blob_exists(self, blob_store: BlobStore) -> None:
        ref = blob_store.put([b"x"])

        assert blob_store.exists(ref.sha256)

    def test_unknown_blob_does_not_exist(self, blob_store: BlobStore) -> None:
        assert not blob_store.exists(MISSING_SHA)

    def test_malformed_sha_raises_value_error(self, blob_store: BlobStore) -> None:
        with pytest.raises(ValueError, match="invalid sha256"):
            blob_store.exists("../../etc/passwd")


class TestSize:
    def test_size_of_stored_blob(self, blob_store: BlobStore) -> None:
        ref = blob_store.put([b"12345"])

        assert blob_store.size(ref.sha256) == 5

    def test_missing_blob_raises_blob_not_found(self, blob_store: BlobStore) -> None:
        with pytest.raises(BlobNotFound):
            blob_store.size(MISSING_SHA)


class TestDelete:
    def test_stored_blob_is_deleted(self, blob_store: BlobStore) -> None:
        ref = blob_store.put([b"to be erased"])

        assert blob_store.delete(ref.sha256) is True
        assert not blob_store.exists(ref.sha256)
        with pytest.raises(BlobNotFound):
            blob_store.open(ref.sha256)

    def test_missing_blob_returns_false(self, blob_store: BlobStore) -> None:
        assert blob_store.delete(MISSING_SHA) is False

    def test_blob_can_be_stored_again_after_delete(self, blob_store: BlobStore) -> None:
        ref = blob_store.put([b"again"])
        blob_store.delete(ref.sha256)

        assert blob_store.put([b"again"]) == ref
        assert blob_store.exists(ref.sha256)


class TestVerify:
    def test_intact_blob_verifies(self, blob_store: BlobStore) -> None:
        ref = blob_store.put(iter(random_chunks(MIB + 3, seed=5)))

        assert blob_store.verify(ref.sha256) is True

    def test_missing_blob_raises_blob_not_found(self, blob_store: BlobStore) -> None:
        with pytest.raises(BlobNotFound):
            blob_store.verify(MISSING_SHA)
