"""API shapes for sign-in, tokens, users and devices. Unknown fields are refused everywhere."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from peelian.auth.models import DeviceStatus, Role

__all__ = [
    "DeviceRead",
    "DeviceRegister",
    "DeviceRegistered",
    "LoginRequest",
    "RefreshRequest",
    "TokenPair",
    "UserCreate",
    "UserCreated",
    "UserRead",
]

Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=64, pattern=r"^[a-z0-9._-]+$"
    ),
]
Password = Annotated[str, StringConstraints(min_length=12, max_length=256)]


class Strict(BaseModel):
    """Base for request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginRequest(Strict):
    """Credentials for a token; officers' devices add a signed device proof."""

    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    totp: Annotated[str | None, StringConstraints(pattern=r"^\d{6}$")] = None
    device_id: uuid.UUID | None = None
    device_timestamp: int | None = None
    device_signature: Annotated[str | None, StringConstraints(max_length=200)] = None


class RefreshRequest(Strict):
    """A refresh token to rotate."""

    refresh_token: Annotated[str, StringConstraints(min_length=20, max_length=200)]


class TokenPair(BaseModel):
    """A short-lived access token and its rotating refresh token."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int


class UserCreate(Strict):
    """A new user account."""

    username: Username
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    email: Annotated[
        str | None, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    ] = None
    role: Role
    password: Password
    collar_number: Annotated[
        str | None, StringConstraints(max_length=20, pattern=r"^[A-Za-z0-9]+$")
    ] = None
    force: Annotated[str | None, StringConstraints(max_length=80)] = None
    team: Annotated[str | None, StringConstraints(max_length=80)] = None


class UserRead(BaseModel):
    """A user as shown to administrators and to the user themself."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    display_name: str
    email: str | None
    role: Role
    collar_number: str | None
    force: str | None
    team: str | None
    is_active: bool
    mfa_enabled: bool
    created_at: datetime
    last_login_at: datetime | None


class UserCreated(UserRead):
    """A created user, with the TOTP secret shown once (staff only)."""

    totp_secret: str | None = None
    totp_uri: str | None = None


class DeviceRegister(Strict):
    """An officer's device introducing itself with a self-minted id and its public key."""

    id: uuid.UUID
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    public_key: Annotated[str, StringConstraints(min_length=40, max_length=60)] = Field(
        description="Ed25519 public key, 32 bytes, base64"
    )
    device_timestamp: int | None = Field(
        default=None, description="with device_signature: sign in as the device in the same call"
    )
    device_signature: Annotated[str | None, StringConstraints(max_length=200)] = Field(
        default=None,
        description="the device's signed sign-in proof (as at /auth/token), base64",
    )


class DeviceRead(BaseModel):
    """A registered device."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    status: DeviceStatus
    created_at: datetime
    last_seen_at: datetime | None


class DeviceRegistered(DeviceRead):
    """A registered device, with device-bound tokens when the request carried its proof."""

    tokens: TokenPair | None = None
