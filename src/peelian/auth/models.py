"""Users, refresh-token families, web sessions and registered officer devices."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from peelian.core.db.base import Base, IdMixin, TimestampMixin

__all__ = ["Device", "DeviceStatus", "RefreshToken", "Role", "User", "WebSession"]


class Role(enum.StrEnum):
    """Every role a person can hold in Peelian."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    CONTACT_HANDLER = "contact_handler"
    INVESTIGATOR = "investigator"
    FINGERPRINT_EXAMINER = "fingerprint_examiner"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"
    PROSECUTOR = "prosecutor"
    DEFENCE = "defence"
    CITIZEN = "citizen"

    @property
    def is_staff(self) -> bool:
        """Force staff must use MFA; external partners and citizens are not staff."""
        return self not in (Role.PROSECUTOR, Role.DEFENCE, Role.CITIZEN)

    @property
    def label(self) -> str:
        """Human label, e.g. 'Fingerprint examiner'."""
        return self.value.replace("_", " ").capitalize()


def _enum(cls: type[enum.Enum], length: int = 30) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class User(IdMixin, TimestampMixin, Base):
    """A person who signs in."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(_enum(Role))
    password_hash: Mapped[str] = mapped_column(String(200))
    collar_number: Mapped[str | None] = mapped_column(String(20))
    force: Mapped[str | None] = mapped_column(String(80))
    team: Mapped[str | None] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(default=True)
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_last_step: Mapped[int | None]
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]

    @property
    def mfa_enabled(self) -> bool:
        """True once a TOTP secret is set."""
        return self.mfa_secret is not None


class RefreshToken(IdMixin, Base):
    """One refresh token of a rotating family; only its hash is stored."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family_id", "family_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    family_id: Mapped[uuid.UUID]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[uuid.UUID | None]
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebSession(IdMixin, Base):
    """A signed-in browser: the cookie holds a random secret; only its hash is stored."""

    __tablename__ = "web_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class DeviceStatus(enum.StrEnum):
    """Lifecycle of an officer device."""

    ACTIVE = "active"
    REVOKED = "revoked"
    WIPE_REQUESTED = "wipe_requested"


class Device(TimestampMixin, Base):
    """An officer's phone, registered to one user with its own Ed25519 public key."""

    __tablename__ = "devices"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    public_key: Mapped[str] = mapped_column(Text)
    status: Mapped[DeviceStatus] = mapped_column(
        _enum(DeviceStatus, 20), default=DeviceStatus.ACTIVE
    )
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    wipe_requested_at: Mapped[datetime | None]
