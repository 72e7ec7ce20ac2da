"""Every query of the auth domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from peelian.auth.models import Device, RefreshToken, Role, User, WebSession

__all__ = [
    "count_users",
    "devices_of",
    "find_refresh_token",
    "find_user_by_username",
    "find_web_session",
    "list_devices",
    "list_users",
    "revoke_family",
    "revoke_user_credentials",
]


def find_user_by_username(session: Session, username: str) -> User | None:
    """The user with this username, if any."""
    return session.scalar(select(User).where(User.username == username.lower()))


def list_users(
    session: Session, *, role: Role | None = None, limit: int = 100, offset: int = 0
) -> Sequence[User]:
    """Users ordered by username."""
    stmt = select(User).order_by(User.username).limit(limit).offset(offset)
    if role is not None:
        stmt = stmt.where(User.role == role)
    return session.scalars(stmt).all()


def count_users(session: Session) -> int:
    """How many users exist."""
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def find_refresh_token(session: Session, token_hash: str) -> RefreshToken | None:
    """The refresh token with this hash, locked for update where the database can."""
    return session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    )


def revoke_family(session: Session, family_id: uuid.UUID, now: datetime) -> None:
    """Revoke every token of a refresh family."""
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_user_credentials(session: Session, user_id: uuid.UUID, now: datetime) -> None:
    """Revoke all refresh tokens and web sessions of a user."""
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def find_web_session(session: Session, token_hash: str) -> WebSession | None:
    """The web session with this cookie hash."""
    return session.scalar(select(WebSession).where(WebSession.token_hash == token_hash))


def list_devices(session: Session, *, limit: int = 200) -> Sequence[Device]:
    """All devices, most recently seen first."""
    return session.scalars(
        select(Device)
        .order_by(Device.last_seen_at.desc().nulls_last(), Device.created_at.desc())
        .limit(limit)
    ).all()


def devices_of(session: Session, user_id: uuid.UUID) -> Sequence[Device]:
    """The devices registered to one user."""
    return session.scalars(select(Device).where(Device.user_id == user_id)).all()
