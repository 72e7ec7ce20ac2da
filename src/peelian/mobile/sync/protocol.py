"""Protocol primitives shared by the server and the device client (pure: no database, no web).

Payload hash: SHA-256 of the payload's canonical JSON (keys sorted, no spaces, UTF-8).
Receipt: Ed25519 over ``peelian-sync-receipt:v1:{device}:{seq}:{op}:{sha256}:{status}:{time}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from peelian.core.keyfile import read_or_create

__all__ = [
    "PROTOCOL_VERSION",
    "ReceiptSigner",
    "canonical_json",
    "decode_cursor",
    "encode_cursor",
    "payload_sha256",
    "public_key_b64",
    "receipt_message",
    "verify_receipt",
]

PROTOCOL_VERSION = 1


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def payload_sha256(payload: Any) -> str:
    """SHA-256 (hex) of an operation payload's canonical JSON."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def receipt_message(
    device_id: str, seq: int, op_id: str, sha256: str, status: str, received_at: str
) -> bytes:
    """The exact bytes the server signs for a receipt."""
    return (
        f"peelian-sync-receipt:v1:{device_id}:{seq}:{op_id}:{sha256}:{status}:{received_at}"
    ).encode()


def encode_cursor(seq: int) -> str:
    """An opaque bucket cursor."""
    return base64.urlsafe_b64encode(f"v1:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The position a cursor stands for; ValueError when it is not one of ours."""
    if not cursor:
        return 0
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    version, _, seq = raw.partition(":")
    if version != "v1" or not seq.isdigit():
        raise ValueError("not a Peelian sync cursor")
    return int(seq)


def public_key_b64(key: Ed25519PublicKey) -> str:
    """Base64 of a raw 32-byte public key."""
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


class ReceiptSigner:
    """The server's receipt key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key = private_key.public_key()
        self.public_key_b64 = public_key_b64(self.public_key)
        self.key_id = hashlib.sha256(base64.b64decode(self.public_key_b64)).hexdigest()[:16]

    @classmethod
    def from_seed(cls, seed_b64: str) -> ReceiptSigner:
        """Load from a base64 32-byte seed (PEELIAN_SYNC_SIGNING_KEY)."""
        seed = base64.b64decode(seed_b64, validate=True)
        if len(seed) != 32:
            raise ValueError("PEELIAN_SYNC_SIGNING_KEY must decode to 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_file(cls, path: Path) -> ReceiptSigner:
        """Load the key kept in a file, creating it (mode 0600) on first use."""
        return cls.from_seed(
            read_or_create(path, lambda: Ed25519PrivateKey.generate().private_bytes_raw())
        )

    def sign(self, message: bytes) -> str:
        """Base64 Ed25519 signature."""
        return base64.b64encode(self._key.sign(message)).decode()


def verify_receipt(public_key_b64_text: str, device_id: str, receipt: dict[str, Any]) -> bool:
    """True when the receipt is the server's signature over exactly these fields."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64_text))
        message = receipt_message(
            device_id,
            int(receipt["seq"]),
            str(receipt["op_id"]),
            str(receipt["payload_sha256"]),
            str(receipt["status"]),
            str(receipt["received_at"]),
        )
        key.verify(base64.b64decode(str(receipt["signature"])), message)
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True
