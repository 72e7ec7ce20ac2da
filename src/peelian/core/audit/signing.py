"""Ed25519 signing of audit checkpoints."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from peelian.core.keyfile import read_or_create

__all__ = ["AuditSigner"]


class AuditSigner:
    """Signs and verifies checkpoint messages with one Ed25519 key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key: Ed25519PublicKey = private_key.public_key()
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = hashlib.sha256(raw).hexdigest()[:16]

    @classmethod
    def from_seed(cls, seed_b64: str) -> AuditSigner:
        """Load a key from its base64 32-byte seed (PEELIAN_AUDIT_SIGNING_KEY)."""
        try:
            seed = base64.b64decode(seed_b64, validate=True)
        except ValueError as exc:
            raise ValueError("PEELIAN_AUDIT_SIGNING_KEY is not valid base64") from exc
        if len(seed) != 32:
            raise ValueError("PEELIAN_AUDIT_SIGNING_KEY must decode to 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_file(cls, path: Path) -> AuditSigner:
        """Load the key kept in a file, creating it (mode 0600) on first use."""
        return cls.from_seed(
            read_or_create(path, lambda: Ed25519PrivateKey.generate().private_bytes_raw())
        )

    @staticmethod
    def message(seq: int, chain_hash: str) -> bytes:
        """The exact bytes signed for a checkpoint."""
        return f"peelian-audit-checkpoint:v1:{seq}:{chain_hash}".encode()

    def sign(self, seq: int, chain_hash: str) -> str:
        """Base64 signature over a checkpoint."""
        return base64.b64encode(self._key.sign(self.message(seq, chain_hash))).decode()

    def verify(self, seq: int, chain_hash: str, signature: str) -> bool:
        """True when signature is this key's signature over the checkpoint."""
        try:
            self.public_key.verify(base64.b64decode(signature), self.message(seq, chain_hash))
        except (InvalidSignature, ValueError):
            return False
        return True
