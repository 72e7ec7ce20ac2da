"""Build a blob store from a storage URL (the value of PEELIAN_STORAGE_URL)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from peelian.core.storage.base import BlobStore
from peelian.core.storage.local import LocalBlobStore
from peelian.core.storage.null import NullBlobStore
from peelian.core.storage.s3 import S3BlobStore

_SETTING = "PEELIAN_STORAGE_URL"
_S3_OPTIONS = frozenset({"endpoint_url", "region"})


def open_blob_store(
    url: str,
    *,
    aws_access_key_id: str | None = None,
    aws_secret_access_key: str | None = None,
) -> BlobStore:
    """Return the blob store a URL names: file:///abs/path, a bare path, s3://bucket/prefix, null://.

    S3 credentials are never read from the URL (it gets logged); pass them here or leave them
    to boto3's usual chain (environment, shared config, instance role).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "":
        if not url.strip():
            raise ValueError(f"{_SETTING}: empty; use file://, s3:// or null://")
        return LocalBlobStore(Path(url))
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(
                f"{_SETTING}: file URL must be file:///absolute/path, got host {parts.netloc!r}"
            )
        if parts.query or not parts.path:
            raise ValueError(f"{_SETTING}: file URL must be file:///absolute/path, got {url!r}")
        return LocalBlobStore(Path(unquote(parts.path)))
    if scheme == "null":
        return NullBlobStore()
    if scheme == "s3":
        return _s3_from_url(url, aws_access_key_id, aws_secret_access_key)
    raise ValueError(f"{_SETTING}: unsupported scheme {scheme!r} (use file://, s3:// or null://)")


def _s3_from_url(url: str, key_id: str | None, secret: str | None) -> S3BlobStore:
    parts = urlsplit(url)
    if not parts.netloc:
        raise ValueError(f"{_SETTING}: s3 URL needs a bucket, as s3://bucket/prefix")
    if "@" in parts.netloc:
        raise ValueError(f"{_SETTING}: put no credentials in the s3 URL; pass them separately")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    unknown = sorted(set(query) - _S3_OPTIONS)
    if unknown:
        raise ValueError(
            f"{_SETTING}: unknown s3 option(s) {', '.join(unknown)} (known: endpoint_url, region)"
        )
    options = {name: values[-1] for name, values in query.items()}
    return S3BlobStore(
        parts.netloc,
        prefix=unquote(parts.path),
        endpoint_url=options.get("endpoint_url") or None,
        region_name=options.get("region") or None,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )
