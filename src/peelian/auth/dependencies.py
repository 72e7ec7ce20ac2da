"""Route dependencies: who is calling (token or session), permissions, purpose, CSRF."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from peelian.auth import devices
from peelian.auth.models import Role, User, WebSession
from peelian.auth.navigation import nav_for
from peelian.auth.permissions import Permission, has_permission
from peelian.auth.security import TokenError, decode_access_token
from peelian.auth.service import resolve_web_session
from peelian.core.audit import Actor, AuditAction
from peelian.core.audit import record as audit
from peelian.core.errors import Forbidden, PurposeRequired, Unauthorized
from peelian.web.deps import DbSession, get_state, request_id

__all__ = [
    "SESSION_COOKIE",
    "CurrentPrincipal",
    "Principal",
    "Purpose",
    "csrf_token_for",
    "get_principal",
    "require",
    "require_page",
    "verify_csrf",
]

SESSION_COOKIE = "peelian_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Principal:
    """The signed-in caller of this request."""

    user: User
    device_id: uuid.UUID | None
    via: str
    web_session: WebSession | None
    request_id: str | None
    token_issued_at: int | None = None

    @property
    def role(self) -> Role:
        """The caller's role."""
        return self.user.role

    @property
    def actor(self) -> Actor:
        """The caller as the audit log records them."""
        return Actor(self.user.id, self.user.role.value, self.device_id, self.request_id)


def csrf_token_for(secret: bytes, cookie: str) -> str:
    """The CSRF token bound to a session cookie: HMAC(secret, cookie); nothing to store."""
    return hmac.new(secret, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def _from_bearer(request: Request, session: Session, token: str) -> Principal:
    state = get_state(request)
    try:
        claims = decode_access_token(state.token_key, token)
    except TokenError as exc:
        raise Unauthorized(str(exc), headers={"WWW-Authenticate": "Bearer"}) from exc
    user = session.get(User, claims.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("this account is disabled", headers={"WWW-Authenticate": "Bearer"})
    if claims.device_id is not None:
        devices.check_device(session, device_id=claims.device_id, user_id=user.id)
    return Principal(user, claims.device_id, "token", None, request_id(request), claims.issued_at)


def get_principal(request: Request, session: DbSession) -> Principal:
    """Authenticate the request: a Bearer token on the API, the session cookie on pages."""
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized(
                "use an Authorization: Bearer token", headers={"WWW-Authenticate": "Bearer"}
            )
        return _from_bearer(request, session, token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and not request.url.path.startswith("/api/"):
        found = resolve_web_session(session, cookie)
        if found is not None:
            web_session, user = found
            principal = Principal(user, None, "session", web_session, request_id(request))
            request.state.page_context = page_context(request, principal, cookie)
            return principal
    raise Unauthorized("sign in first", headers={"WWW-Authenticate": "Bearer"})


@dataclass(frozen=True)
class PageUser:
    """What pages show of the signed-in user."""

    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    collar_number: str | None
    team: str | None

    @classmethod
    def of(cls, user: User) -> PageUser:
        """Snapshot a user."""
        return cls(
            user.id, user.username, user.display_name, user.role, user.collar_number, user.team
        )


def page_context(request: Request, principal: Principal, cookie: str) -> dict[str, object]:
    """What every staff page needs: the user, the CSRF token and the navigation they may use."""
    return {
        # A snapshot, not the ORM object: error pages render after the session has rolled back.
        "current_user": PageUser.of(principal.user),
        "csrf_token": csrf_token_for(get_state(request).token_key, cookie),
        "nav_items": nav_for(principal.user.role),
    }


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(permission: Permission) -> Callable[..., Principal]:
    """A dependency that lets through only roles holding the permission, auditing refusals."""

    def dependency(principal: CurrentPrincipal, session: DbSession, request: Request) -> Principal:
        if not has_permission(principal.role, permission):
            audit(
                session,
                actor=principal.actor,
                action=AuditAction.DENIED,
                record_type="route",
                record_id=request.url.path[:80],
                outcome="refused",
                detail={"permission": permission.value},
            )
            raise Forbidden(f"your role may not do this ({permission.value})", keep_changes=True)
        return principal

    dependency.__name__ = f"require_{permission.name.lower()}"
    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def require_page(permission: Permission) -> Callable[..., Principal]:
    """As require(), for pages: also checks the CSRF token on unsafe methods."""
    inner = require(permission)

    # Defaults, not Annotated: the closure variable `inner` cannot be resolved from a string
    # annotation under `from __future__ import annotations`.
    def dependency(
        principal: Principal = Depends(inner), _csrf: None = Depends(verify_csrf)
    ) -> Principal:
        return principal

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


async def verify_csrf(request: Request) -> None:
    """On unsafe methods with a session cookie, the form field or X-CSRF-Token must match."""
    if request.method not in UNSAFE or request.headers.get("authorization"):
        return
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return
    given = request.headers.get("x-csrf-token")
    if given is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    expected = csrf_token_for(get_state(request).token_key, cookie)
    if not given or not hmac.compare_digest(given, expected):
        raise Forbidden("the form has expired or did not come from this site; reload and try again")


def _purpose(
    _signed_in: CurrentPrincipal,
    x_peelian_purpose: Annotated[str | None, Header(max_length=500)] = None,
) -> str:
    text = (x_peelian_purpose or "").strip()
    if len(text) < 5:
        raise PurposeRequired(
            "reading this record needs a stated purpose: send an X-Peelian-Purpose header "
            "(at least 5 characters), e.g. 'Investigation 24/1234: suspect check'"
        )
    return text


Purpose = Annotated[str, Depends(_purpose)]
