"""Blob store on S3 or an S3-compatible service (MinIO, Ceph), streaming both ways."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

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

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef, CopySourceTypeDef

MIB = 1024 * 1024
# S3 rejects multipart parts under 5 MiB (except the last) and allows 10,000 parts, so 8 MiB
# parts cover blobs up to ~80 GB while bounding memory to one part per upload.
DEFAULT_PART_SIZE = 8 * MIB
MIN_PART_SIZE = 5 * MIB
# CopyObject refuses sources over 5 GiB; larger blobs are copied part by part on the server.
MAX_SINGLE_COPY = 5 * 1024 * MIB
DEFAULT_COPY_PART_SIZE = 512 * MIB
_NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})


class S3BlobStore(BlobStore):
    """Stores each blob at ``<prefix>sha256/ab/cd/<sha256>`` in one bucket.

    Large uploads stream as a multipart upload to ``<prefix>tmp/<uuid>`` while hashing, then
    the server copies the object to its content address and the temporary key is deleted.
    Configure a lifecycle rule on ``<prefix>tmp/`` (expire objects, abort incomplete multipart
    uploads after a day) to sweep up uploads cut short by a crash.
    """

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        client: S3Client | None = None,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        part_size: int = DEFAULT_PART_SIZE,
        max_single_copy: int = MAX_SINGLE_COPY,
        copy_part_size: int = DEFAULT_COPY_PART_SIZE,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3 minimum)")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.part_size = part_size
        self.max_single_copy = max_single_copy
        self.copy_part_size = copy_part_size
        self.client: S3Client = client or boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region_name,
            aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key,
            # Self-hosted endpoints rarely have wildcard DNS for virtual-hosted buckets.
            config=Config(s3={"addressing_style": "path"}) if endpoint_url else None,
        )

    def key_for(self, sha256: str) -> str:
        """Return the object key a blob with this SHA-256 is (or would be) stored under."""
        validate_sha256(sha256)
        return f"{self.prefix}sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def put(
        self, stream: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None
    ) -> BlobRef:
        """Stream the bytes up while hashing, then place them at their content address."""
        if expected_sha256 is not None:
            validate_sha256(expected_sha256)
        if expected_sha256 is not None and self.exists(expected_sha256):
            # The caller knows the hash and we hold it: check the bytes, but send none of them.
            return hash_stream(stream, expected_sha256=expected_sha256)
        reader = _PartReader(iter_chunks(stream))
        first = reader.read(self.part_size)
        if reader.at_end():
            # Fits in one part: the hash is known before anything is sent, so no temp key.
            ref = _checked_ref(reader.hexdigest(), reader.size, expected_sha256)
            if not self.exists(ref.sha256):
                self.client.put_object(Bucket=self.bucket, Key=self.key_for(ref.sha256), Body=first)
            return ref
        tmp_key = f"{self.prefix}tmp/{uuid.uuid4().hex}"
        # Hand the first part over in a list so the upload can drop the only reference to it.
        head = [first]
        del first
        self._multipart_upload(tmp_key, head, reader)
        try:
            ref = _checked_ref(reader.hexdigest(), reader.size, expected_sha256)
            if not self.exists(ref.sha256):
                self._server_copy(tmp_key, self.key_for(ref.sha256), ref.size)
            return ref
        finally:
            self.client.delete_object(Bucket=self.bucket, Key=tmp_key)

    def _multipart_upload(self, key: str, head: list[bytes], reader: _PartReader) -> None:
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        try:
            done: list[CompletedPartTypeDef] = []
            body = head.pop()
            while body:
                number = len(done) + 1
                etag = self.client.upload_part(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
                )["ETag"]
                done.append({"ETag": etag, "PartNumber": number})
                # Drop the sent part before building the next, so one part is held at a time.
                body = b""
                body = reader.read(_part_size(self.part_size, len(done)))
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": done},
            )
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise

    def _server_copy(self, source: str, target: str, size: int) -> None:
        copy_source: CopySourceTypeDef = {"Bucket": self.bucket, "Key": source}
        if size <= self.max_single_copy:
            self.client.copy_object(Bucket=self.bucket, Key=target, CopySource=copy_source)
            return
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=target)["UploadId"]
        try:
            done: list[CompletedPartTypeDef] = []
            for number, start in enumerate(range(0, size, self.copy_part_size), 1):
                end = min(start + self.copy_part_size, size) - 1
                result = self.client.upload_part_copy(
                    Bucket=self.bucket,
                    Key=target,
                    UploadId=upload_id,
                    PartNumber=number,
                    CopySource=copy_source,
                    CopySourceRange=f"bytes={start}-{end}",
                )
                done.append({"ETag": result["CopyPartResult"]["ETag"], "PartNumber": number})
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=target,
                UploadId=upload_id,
                MultipartUpload={"Parts": done},
            )
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=target, UploadId=upload_id)
            raise

    def open(self, sha256: str) -> BinaryIO:
        """Return a buffered reader over the object's streaming body, or raise BlobNotFound."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key_for(sha256))
        except ClientError as error:
            if _is_not_found(error):
                raise BlobNotFound(sha256) from None
            raise
        raw = _BodyReader(response["Body"])
        return cast(BinaryIO, io.BufferedReader(raw, buffer_size=CHUNK_SIZE))

    def exists(self, sha256: str) -> bool:
        """Return whether the object exists (a HEAD request)."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key_for(sha256))
        except ClientError as error:
            if _is_not_found(error):
                return False
            raise
        return True

    def size(self, sha256: str) -> int:
        """Return the object's ContentLength, or raise BlobNotFound."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.key_for(sha256))
        except ClientError as error:
            if _is_not_found(error):
                raise BlobNotFound(sha256) from None
            raise
        return head["ContentLength"]

    def delete(self, sha256: str) -> bool:
        """Delete the object; return False if it was not there."""
        # DeleteObject succeeds whether or not the key exists, so ask first to report it.
        if not self.exists(sha256):
            return False
        self.client.delete_object(Bucket=self.bucket, Key=self.key_for(sha256))
        return True


class _PartReader:
    """Regroups a chunk stream into parts of a given size, hashing and counting as it goes."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""
        self._digest = hashlib.sha256()
        self.size = 0

    def _next_chunk(self) -> bytes | None:
        chunk = next(self._chunks, None)
        if chunk is not None:
            self._digest.update(chunk)
            self.size += len(chunk)
        return chunk

    def read(self, n: int) -> bytes:
        """Return the next `n` bytes (fewer only at the end of the stream)."""
        pieces = [self._rest[:n]]
        self._rest = self._rest[n:]
        need = n - len(pieces[0])
        while need > 0 and (chunk := self._next_chunk()) is not None:
            pieces.append(chunk[:need])
            self._rest = chunk[need:]
            need -= len(pieces[-1])
        return b"".join(pieces)

    def at_end(self) -> bool:
        """Return whether the stream is exhausted (reading ahead one chunk if needed)."""
        if not self._rest:
            self._rest = self._next_chunk() or b""
        return not self._rest

    def hexdigest(self) -> str:
        """The SHA-256 of everything read so far."""
        return self._digest.hexdigest()


def _part_size(base: int, parts_sent: int) -> int:
    # S3 caps an upload at 10,000 parts; growing the part every 1,000 parts lifts the limit
    # from 10,000 x base to 55,000 x base (440 GB at 8 MiB) while memory grows only linearly.
    return base * (1 + parts_sent // 1000)


def _checked_ref(sha256: str, size: int, expected_sha256: str | None) -> BlobRef:
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise BlobIntegrityError(expected_sha256, sha256)
    return BlobRef(sha256=sha256, size=size)


def _is_not_found(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in _NOT_FOUND


class _BodyReader(io.RawIOBase):
    """Adapts botocore's StreamingBody to the io stack so callers get a real BinaryIO."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self._body.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()
