"""Server-rendered sign-in, staff home and administration pages."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from peelian.auth import devices, service
from peelian.auth.dependencies import (
    SESSION_COOKIE,
    Principal,
    get_principal,
    require_page,
    verify_csrf,
)
from peelian.auth.models import Role
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.auth.policy import policy_of
from peelian.auth.schemas import UserCreate
from peelian.core.audit import Actor
from peelian.core.errors import NotFound, PeelianError
from peelian.web.deps import DbSession, State, request_id
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Users", "/admin/users", Permission.USERS_MANAGE, order=80))
register_nav(NavItem("Devices", "/admin/devices", Permission.DEVICES_MANAGE, order=81))


def _safe_next(value: str | None) -> str:
    # Only same-site relative paths: never an open redirect.
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/staff"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return render(request, "auth/login.html", {"next": _safe_next(next), "errors": []})


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: DbSession,
    state: State,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    totp: Annotated[str, Form(max_length=6)] = "",
    next: Annotated[str, Form(max_length=300)] = "/staff",
) -> Response:
    """Check credentials and MFA, then start a browser session."""
    errors = []
    if not username:
        errors.append({"field": "username", "message": "Enter your username"})
    if not password:
        errors.append({"field": "password", "message": "Enter your password"})
    if errors:
        return render(
            request,
            "auth/login.html",
            {"errors": errors, "username": username, "next": _safe_next(next)},
            status_code=400,
        )
    policy = policy_of(state)
    try:
        user = service.authenticate(
            session,
            policy=policy,
            username=username,
            password=password,
            totp=totp or None,
            actor=Actor(None, None, None, request_id(request)),
        )
    except PeelianError as exc:
        if exc.keep_changes:
            session.commit()
        field = "totp" if exc.extra.get("mfa_required") else "password"
        return render(
            request,
            "auth/login.html",
            {
                "errors": [{"field": field, "message": exc.detail[0].upper() + exc.detail[1:]}],
                "username": username,
                "next": _safe_next(next),
                "ask_totp": field == "totp",
            },
            status_code=exc.status,
        )
    cookie, _ = service.create_web_session(session, policy=policy, user=user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=state.settings.cookie_secure,
        max_age=policy.session_ttl_s,
        path="/",
    )
    return response


@router.post("/logout")
def logout(
    session: DbSession,
    principal: Annotated[Principal, Depends(get_principal)],
    _csrf: Annotated[None, Depends(verify_csrf)],
) -> Response:
    """End the browser session."""
    if principal.web_session is not None:
        service.revoke_web_session(session, web_session=principal.web_session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/staff", response_class=HTMLResponse)
def staff_home(
    request: Request, principal: Annotated[Principal, Depends(require_page(Permission.SELF_READ))]
) -> Response:
    """The back-office home page."""
    return render(request, "auth/staff_home.html")


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(require_page(Permission.USERS_MANAGE))],
) -> Response:
    """Users, with a form to add one."""
    users = service.list_users(session, actor=principal.actor, limit=500)
    return render(
        request, "auth/users.html", {"users": users, "roles": list(Role), "errors": [], "form": {}}
    )


@router.post("/admin/users", response_class=HTMLResponse)
async def users_create(
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(require_page(Permission.USERS_MANAGE))],
) -> Response:
    """Create a user from the admin form; errors come back in a GOV.UK error summary."""
    form = {
        k: v for k, v in (await request.form()).items() if k != "csrf_token" and isinstance(v, str)
    }
    data = {k: (v or None) for k, v in form.items()}
    try:
        user_in = UserCreate.model_validate(data)
        user, secret = service.create_user(session, actor=principal.actor, user_in=user_in)
    except ValidationError as exc:
        errors = [
            {
                "field": str(e["loc"][0]) if e["loc"] else "form",
                "message": f"{str(e['loc'][0]).replace('_', ' ').capitalize()}: {e['msg']}",
            }
            for e in exc.errors()
        ]
        return _users_again(request, session, principal, form, errors)
    except PeelianError as exc:
        return _users_again(
            request,
            session,
            principal,
            form,
            [{"field": str(exc.extra.get("field", "username")), "message": exc.detail}],
        )
    users = service.list_users(session, actor=principal.actor, limit=500)
    return render(
        request,
        "auth/users.html",
        {
            "users": users,
            "roles": list(Role),
            "errors": [],
            "form": {},
            "created": user,
            "secret": secret,
        },
    )


def _users_again(
    request: Request,
    session: DbSession,
    principal: Principal,
    form: dict[str, str],
    errors: list[dict[str, str]],
) -> Response:
    session.rollback()
    users = service.list_users(session, actor=principal.actor, limit=500)
    return render(
        request,
        "auth/users.html",
        {"users": users, "roles": list(Role), "errors": errors, "form": form},
        status_code=422,
    )


@router.post("/admin/users/{user_id}/disable")
def users_disable(
    user_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(require_page(Permission.USERS_MANAGE))],
) -> Response:
    """Disable an account."""
    service.disable_user(session, actor=principal.actor, user_id=user_id)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/devices", response_class=HTMLResponse)
def devices_page(
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(require_page(Permission.DEVICES_MANAGE))],
) -> Response:
    """Registered officer devices."""
    return render(
        request,
        "auth/devices.html",
        {"devices": devices.list_devices(session, actor=principal.actor)},
    )


@router.post("/admin/devices/{device_id}/{action}")
def devices_change(
    device_id: uuid.UUID,
    action: str,
    session: DbSession,
    principal: Annotated[Principal, Depends(require_page(Permission.DEVICES_MANAGE))],
) -> Response:
    """Revoke a device or flag it for wipe."""
    if action == "revoke":
        devices.revoke_device(session, actor=principal.actor, device_id=device_id)
    elif action == "wipe":
        devices.request_wipe(session, actor=principal.actor, device_id=device_id)
    else:
        raise NotFound("no such action")
    return RedirectResponse("/admin/devices", status_code=303)
