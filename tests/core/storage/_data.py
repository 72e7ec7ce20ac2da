"""Test content for the blob store suites."""

from __future__ import annotations

import hashlib
import random

MIB = 1024 * 1024


def random_chunks(total: int, *, chunk_size: int = MIB + 7, seed: int = 1) -> list[bytes]:
    """Deterministic pseudo-random content split into odd-sized chunks."""
    rng = random.Random(seed)
    sizes = [chunk_size] * (total // chunk_size) + (
        [total % chunk_size] if total % chunk_size else []
    )
    return [rng.randbytes(size) for size in sizes]


def sha256_of(chunks: list[bytes]) -> str:
    """The hex SHA-256 of the concatenated chunks."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
