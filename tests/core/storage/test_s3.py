"""S3 specifics: key layout, the multipart path, server-side copies and cleanup on failure."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from peelian.core.storage import BlobIntegrityError, S3BlobStore
from peelian.core.storage.s3 import MIN_PART_SIZE, _part_size
from tests.core.storage._data import MIB, random_chunks, sha256_of

pytestmark = pytest.mark.integration


def _keys(store: S3BlobStore) -> list[str]:
    listing = store.client.list_objects_v2(Bucket=store.bucket)
    return sorted(obj["Key"] for obj in listing.get("Contents", []))


def _open_uploads(store: S3BlobStore) -> list[str]:
    listing = store.client.list_multipart_uploads(Bucket=store.bucket)
    return [upload["Key"] for upload in listing.get("Uploads", [])]


class TestInit:
    @pytest.mark.usefixtures("aws_env")
    def test_part_size_below_the_s3_minimum_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="part_size"):
            S3BlobStore("bucket", part_size=MIN_PART_SIZE - 1, region_name="us-east-1")


@pytest.mark.unit
class TestPartSize:
    def test_parts_grow_every_thousand_to_stay_under_the_part_limit(self) -> None:
        sizes = [_part_size(MIB, sent) for sent in range(10_000)]

        assert (sizes[0], sizes[999], sizes[1000], sizes[-1]) == (MIB, MIB, 2 * MIB, 10 * MIB)
        assert sum(sizes) == 55_000 * MIB


class TestKeyFor:
    def test_key_is_prefixed_and_sharded(self, s3_store: S3BlobStore) -> None:
        sha = "abcdef" + "0" * 58

        assert s3_store.key_for(sha) == f"peelian/test/sha256/ab/cd/{sha}"


class TestPut:
    def test_small_blob_is_written_straight_to_its_address(self, s3_store: S3BlobStore) -> None:
        ref = s3_store.put([b"small"])

        assert _keys(s3_store) == [s3_store.key_for(ref.sha256)]

    def test_multipart_upload_leaves_only_the_addressed_object(self, s3_store: S3BlobStore) -> None:
        chunks = random_chunks(2 * MIN_PART_SIZE + 17, seed=7)

        ref = s3_store.put(iter(chunks))

        assert _keys(s3_store) == [s3_store.key_for(sha256_of(chunks))]
        assert _open_uploads(s3_store) == []
        assert s3_store.size(ref.sha256) == 2 * MIN_PART_SIZE + 17

    def test_chunk_larger_than_a_part_is_split_across_parts(self, s3_store: S3BlobStore) -> None:
        chunks = random_chunks(2 * MIN_PART_SIZE + 3, chunk_size=2 * MIN_PART_SIZE + 3, seed=12)

        ref = s3_store.put(iter(chunks))

        with s3_store.open(ref.sha256) as fp:
            assert fp.read() == chunks[0]

    def test_blob_over_the_single_copy_limit_is_copied_in_parts(
        self, s3_endpoint: str, s3_bucket: str
    ) -> None:
        store = S3BlobStore(
            s3_bucket,
            endpoint_url=s3_endpoint,
            part_size=MIN_PART_SIZE,
            max_single_copy=6 * MIB,
            copy_part_size=MIN_PART_SIZE,
        )
        chunks = random_chunks(12 * MIB + 5, seed=8)

        ref = store.put(iter(chunks))

        assert _keys(store) == [store.key_for(ref.sha256)]
        assert store.verify(ref.sha256)

    def test_failure_mid_stream_aborts_the_upload(self, s3_store: S3BlobStore) -> None:
        def failing() -> Iterator[bytes]:
            yield from random_chunks(2 * MIN_PART_SIZE + 1, seed=9)
            raise ConnectionResetError("client went away mid-upload")

        with pytest.raises(ConnectionResetError):
            s3_store.put(failing())

        assert _keys(s3_store) == []
        assert _open_uploads(s3_store) == []

    def test_integrity_failure_after_multipart_removes_the_temp_object(
        self, s3_store: S3BlobStore
    ) -> None:
        with pytest.raises(BlobIntegrityError):
            s3_store.put(iter(random_chunks(MIN_PART_SIZE + 1, seed=10)), expected_sha256="2" * 64)

        assert _keys(s3_store) == []

    def test_duplicate_large_put_removes_the_temp_object(self, s3_store: S3BlobStore) -> None:
        chunks = random_chunks(MIN_PART_SIZE + 1, seed=11)
        first = s3_store.put(iter(chunks))

        second = s3_store.put(iter(chunks))

        assert first == second
        assert _keys(s3_store) == [s3_store.key_for(first.sha256)]

    def test_known_expected_sha_sends_no_bytes(
        self, s3_store: S3BlobStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        chunks = random_chunks(MIN_PART_SIZE + 1, seed=14)
        ref = s3_store.put(iter(chunks))

        def refuse(**_: object) -> None:
            raise AssertionError("bytes were sent for a blob the store already holds")

        for method in ("put_object", "create_multipart_upload", "upload_part"):
            monkeypatch.setattr(s3_store.client, method, refuse)

        assert s3_store.put(iter(chunks), expected_sha256=ref.sha256) == ref


class TestVerify:
    def test_overwritten_object_fails_verification(self, s3_store: S3BlobStore) -> None:
        ref = s3_store.put([b"original content"])
        s3_store.client.put_object(
            Bucket=s3_store.bucket, Key=s3_store.key_for(ref.sha256), Body=b"tampered"
        )

        assert s3_store.verify(ref.sha256) is False


# Runs in a child process: moto keeps uploads in the memory of the process that hosts it,
# so only a separate client process measures what the store itself allocates.
_MEMORY_PROBE = """
import os, sys, tracemalloc
from peelian.core.storage import S3BlobStore
from peelian.core.storage.s3 import MIN_PART_SIZE, _part_size
store = S3BlobStore(sys.argv[2], endpoint_url=sys.argv[1], part_size=MIN_PART_SIZE)
chunk = os.urandom(1024 * 1024)
store.exists("0" * 64)  # botocore loads its service models lazily, on the first request
tracemalloc.start()
ref = store.put(chunk for _ in range(64))
print(ref.size, tracemalloc.get_traced_memory()[1])
"""


class TestPutMemory:
    def test_64_mb_stream_is_never_held_in_memory(self, s3_endpoint: str, s3_bucket: str) -> None:
        src = Path(__file__).resolve().parents[3] / "src"
        probe = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, s3_endpoint, s3_bucket],
            env={**os.environ, "PYTHONPATH": str(src)},
            capture_output=True,
            check=True,
            text=True,
            timeout=120,
        )

        size, peak = map(int, probe.stdout.split())
        assert size == 64 * MIB
        # One part in flight plus the next being assembled is the design's upper bound.
        assert peak < 2 * MIN_PART_SIZE, f"put() peaked at {peak / MIB:.1f} MiB for 64 MiB"
