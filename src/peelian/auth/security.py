"""Password hashing (argon2id), access tokens (JWS HS256, RFC 7519) and TOTP (RFC 6238)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = [
    "AccessClaims",
    "TokenError",
    "configure_password_hashing",
    "decode_access_token",
    "encode_access_token",
    "hash_password",
    "hash_token",
    "new_secret_token",
    "new_totp_secret",
    "totp_now",
    "verify_password",
    "verify_totp",
]

# argon2id with RFC 9106's second recommended option (64 MiB, 3 passes).
_hasher = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)
_DUMMY_HASH = _hasher.hash("peelian-timing-equaliser")


def configure_password_hashing(*, time_cost: int, memory_cost_kib: int, parallelism: int) -> None:
    """Change the argon2id cost (tests use a cheap setting; production keeps the default)."""
    global _hasher
    _hasher = PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
    )


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, still spend the same time so usernames cannot be probed."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_secret_token() -> str:
    """A 256-bit random token for refresh tokens and web sessions."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 of a bearer secret: only this is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenError(ValueError):
    """An access token that is malformed, forged or expired."""


@dataclass(frozen=True)
class AccessClaims:
    """What a valid access token says."""

    user_id: uuid.UUID
    role: str
    device_id: uuid.UUID | None
    expires_at: int
    token_id: str
    issued_at: int = 0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_HEADER = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())


def encode_access_token(
    key: bytes, *, user_id: uuid.UUID, role: str, device_id: uuid.UUID | None, ttl_s: int
) -> str:
    """A compact HS256 JWT for the user (and device), valid for ttl_s seconds."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role,
        "iat": now,
        "exp": now + ttl_s,
        "jti": secrets.token_hex(8),
        "iss": "peelian",
    }
    if device_id is not None:
        claims["dev"] = str(device_id)
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{_HEADER}.{body}".encode()
    return f"{_HEADER}.{body}.{_b64(hmac.new(key, signing_input, hashlib.sha256).digest())}"


def decode_access_token(key: bytes, token: str) -> AccessClaims:
    """Verify signature and expiry and return the claims, or raise TokenError."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != _HEADER:
        raise TokenError("the access token is malformed")
    expected = hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    try:
        given = _unb64(parts[2])
        claims = json.loads(_unb64(parts[1]))
        user_id = uuid.UUID(claims["sub"])
        device = uuid.UUID(claims["dev"]) if "dev" in claims else None
        exp, role, jti = int(claims["exp"]), str(claims["role"]), str(claims["jti"])
        iat = int(claims.get("iat", 0))
    except (ValueError, KeyError, TypeError) as exc:
        raise TokenError("the access token is malformed") from exc
    if not hmac.compare_digest(expected, given):
        raise TokenError("the access token's signature is not valid")
    if exp <= int(time.time()):
        raise TokenError("the access token has expired")
    return AccessClaims(
        user_id=user_id, role=role, device_id=device, expires_at=exp, token_id=jti, issued_at=iat
    )


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret."""
    return pyotp.random_base32()


def totp_now(secret: str) -> str:
    """The current six-digit code (for the demo helper and tests)."""
    return str(pyotp.TOTP(secret).now())


def verify_totp(secret: str, code: str, *, last_step: int | None) -> int | None:
    """Return the accepted time step, or None; a step already used is refused (no replay)."""
    totp = pyotp.TOTP(secret)
    if not code.isdigit() or len(code) != 6:
        return None
    now_step = int(time.time()) // 30
    for step in (now_step, now_step - 1, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * 30), code):
            return step
    return None
