"""Content-addressed blob storage: one interface, local, S3 and null backends, and a factory.

A blob's key is the SHA-256 of its bytes, so storing the same bytes twice is a no-op and a
reference can be checked against its content at any time.
"""

from peelian.core.storage.base import (
    CHUNK_SIZE,
    BlobIntegrityError,
    BlobNotFound,
    BlobRef,
    BlobStore,
    StorageError,
    validate_sha256,
)
from peelian.core.storage.factory import open_blob_store
from peelian.core.storage.local import LocalBlobStore
from peelian.core.storage.null import NullBlobStore
from peelian.core.storage.s3 import S3BlobStore

__all__ = [
    "CHUNK_SIZE",
    "BlobIntegrityError",
    "BlobNotFound",
    "BlobRef",
    "BlobStore",
    "LocalBlobStore",
    "NullBlobStore",
    "S3BlobStore",
    "StorageError",
    "open_blob_store",
    "validate_sha256",
]
