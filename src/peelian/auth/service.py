"""Identity rules: accounts, sign-in with lockout and MFA, token rotation, web sessions.

Never commits: the request's unit of work does. Every read or write of a user's personal details
is audit-logged.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

import pyotp
from sqlalchemy.orm import Session

from peelian.auth import repository
from peelian.auth.models import RefreshToken, Role, User, WebSession
from peelian.auth.policy import AuthPolicy
from peelian.auth.schemas import TokenPair, UserCreate
from peelian.auth.security import (
    encode_access_token,
    hash_password,
    hash_token,
    new_secret_token,
    new_totp_secret,
    verify_password,
    verify_totp,
)
from peelian.core.audit import Actor, AuditAction
from peelian.core.audit import record as audit
from peelian.core.errors import Conflict, InvalidInput, NotFound, TooManyRequests, Unauthorized
from peelian.core.time import utcnow

__all__ = [
    "authenticate",
    "create_user",
    "create_web_session",
    "disable_user",
    "get_user",
    "issue_tokens",
    "list_users",
    "refresh_tokens",
    "resolve_web_session",
    "revoke_refresh_family",
    "revoke_web_session",
    "totp_uri",
]


def create_user(session: Session, *, actor: Actor, user_in: UserCreate) -> tuple[User, str | None]:
    """Create an account; staff get a TOTP secret, returned once."""
    if repository.find_user_by_username(session, user_in.username) is not None:
        raise Conflict(f"the username {user_in.username!r} is taken")
    if user_in.role is Role.OFFICER and not user_in.collar_number:
        raise InvalidInput("an officer needs a collar number", extra={"field": "collar_number"})
    secret = new_totp_secret() if user_in.role.is_staff else None
    user = User(
        username=user_in.username.lower(),
        display_name=user_in.display_name,
        email=user_in.email,
        role=user_in.role,
        password_hash=hash_password(user_in.password),
        collar_number=user_in.collar_number,
        force=user_in.force,
        team=user_in.team,
        mfa_secret=secret,
    )
    session.add(user)
    session.flush()
    audit(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type="user",
        record_id=user.id,
        detail={"role": user.role.value},
    )
    return user, secret


def totp_uri(user: User, secret: str, issuer: str = "Peelian") -> str:
    """otpauth:// URI for an authenticator app."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def list_users(
    session: Session, *, actor: Actor, role: Role | None = None, limit: int = 100, offset: int = 0
) -> Sequence[User]:
    """A page of users; the listing itself is audited."""
    users = repository.list_users(session, role=role, limit=limit, offset=offset)
    audit(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="user",
        detail={"role": role.value if role else None, "returned": len(users)},
    )
    return users


def get_user(session: Session, *, actor: Actor, user_id: uuid.UUID, purpose: str | None) -> User:
    """One user's details, audited with the stated purpose."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    audit(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type="user",
        record_id=user.id,
        purpose=purpose,
    )
    return user


def disable_user(session: Session, *, actor: Actor, user_id: uuid.UUID) -> User:
    """Disable an account and revoke everything it holds."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    if user.id == actor.user_id:
        raise Conflict("you cannot disable your own account")
    user.is_active = False
    repository.revoke_user_credentials(session, user.id, utcnow())
    audit(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="user",
        record_id=user.id,
        detail={"change": "disabled"},
    )
    session.flush()
    return user


def authenticate(
    session: Session,
    *,
    policy: AuthPolicy,
    username: str,
    password: str,
    totp: str | None,
    actor: Actor,
) -> User:
    """Check password, lockout and MFA. Failures are counted and audited (and kept on error)."""
    now = utcnow()
    user = repository.find_user_by_username(session, username)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        wait = int((user.locked_until - now).total_seconds()) + 1
        raise TooManyRequests(
            "too many failed sign-in attempts; try again later", headers={"Retry-After": str(wait)}
        )
    if not verify_password(user.password_hash if user else None, password) or user is None:
        _fail(session, policy=policy, user=user, actor=actor, reason="password")
        raise Unauthorized("the username or password is wrong", keep_changes=True)
    if not user.is_active:
        raise Unauthorized("this account is disabled")
    if user.mfa_secret is not None:
        if totp is None:
            raise Unauthorized(
                "a six-digit code from your authenticator app is required",
                extra={"mfa_required": True},
            )
        step = verify_totp(user.mfa_secret, totp, last_step=user.mfa_last_step)
        if step is None:
            _fail(session, policy=policy, user=user, actor=actor, reason="totp")
            raise Unauthorized(
                "the authenticator code is wrong or already used",
                extra={"mfa_required": True},
                keep_changes=True,
            )
        user.mfa_last_step = step
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    audit(
        session,
        actor=Actor(user.id, user.role.value, actor.device_id, actor.request_id),
        action=AuditAction.LOGIN,
        record_type="user",
        record_id=user.id,
    )
    return user


def _fail(
    session: Session, *, policy: AuthPolicy, user: User | None, actor: Actor, reason: str
) -> None:
    if user is not None:
        user.failed_logins += 1
        lock = policy.lockout_seconds(user.failed_logins)
        if lock:
            user.locked_until = utcnow() + timedelta(seconds=lock)
    audit(
        session,
        actor=actor,
        action=AuditAction.LOGIN_FAILED,
        record_type="user",
        record_id=user.id if user else None,
        outcome="refused",
        detail={"reason": reason},
    )
    session.flush()


def issue_tokens(
    session: Session,
    *,
    policy: AuthPolicy,
    user: User,
    device_id: uuid.UUID | None = None,
    family_id: uuid.UUID | None = None,
) -> TokenPair:
    """A new access token and a refresh token (a new family unless rotating)."""
    now = utcnow()
    refresh = new_secret_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id or uuid.uuid4(),
            token_hash=hash_token(refresh),
            device_id=device_id,
            issued_at=now,
            expires_at=now + timedelta(seconds=policy.refresh_ttl_s),
        )
    )
    session.flush()
    access = encode_access_token(
        policy.token_key,
        user_id=user.id,
        role=user.role.value,
        device_id=device_id,
        ttl_s=policy.access_ttl_s,
    )
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=policy.access_ttl_s)


def refresh_tokens(session: Session, *, policy: AuthPolicy, refresh_token: str) -> TokenPair:
    """Rotate a refresh token; presenting a used one revokes its whole family (theft signal)."""
    now = utcnow()
    row = repository.find_refresh_token(session, hash_token(refresh_token))
    if row is None:
        raise Unauthorized("the refresh token is not valid")
    if row.used_at is not None or row.revoked_at is not None:
        repository.revoke_family(session, row.family_id, now)
        audit(
            session,
            actor=Actor(row.user_id, None, row.device_id),
            action=AuditAction.DENIED,
            record_type="refresh_token",
            record_id=row.family_id,
            outcome="refused",
            detail={"reason": "reuse" if row.used_at else "revoked"},
        )
        raise Unauthorized("the refresh token was already used; sign in again", keep_changes=True)
    if row.expires_at <= now:
        raise Unauthorized("the refresh token has expired; sign in again")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("this account is disabled")
    row.used_at = now
    return issue_tokens(
        session, policy=policy, user=user, device_id=row.device_id, family_id=row.family_id
    )


def revoke_refresh_family(session: Session, *, refresh_token: str) -> None:
    """Sign out a token family (logout)."""
    row = repository.find_refresh_token(session, hash_token(refresh_token))
    if row is not None:
        repository.revoke_family(session, row.family_id, utcnow())


def create_web_session(
    session: Session, *, policy: AuthPolicy, user: User
) -> tuple[str, WebSession]:
    """A browser session: the cookie value (returned once) and its row."""
    now = utcnow()
    token = new_secret_token()
    row = WebSession(
        user_id=user.id,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(seconds=policy.session_ttl_s),
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_web_session(session: Session, cookie: str) -> tuple[WebSession, User] | None:
    """The live session and user behind a cookie, if any."""
    row = repository.find_web_session(session, hash_token(cookie))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return row, user


def revoke_web_session(session: Session, *, web_session: WebSession) -> None:
    """Sign a browser out."""
    web_session.revoked_at = utcnow()
