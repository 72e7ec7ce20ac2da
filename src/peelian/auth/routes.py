"""JSON API for sign-in, tokens, users and devices."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from peelian.auth import devices, service
from peelian.auth.dependencies import Principal, Purpose, require
from peelian.auth.models import Role
from peelian.auth.permissions import Permission
from peelian.auth.policy import policy_of
from peelian.auth.schemas import (
    DeviceRead,
    DeviceRegister,
    DeviceRegistered,
    LoginRequest,
    RefreshRequest,
    TokenPair,
    UserCreate,
    UserCreated,
    UserRead,
)
from peelian.core.audit import Actor
from peelian.web.deps import DbSession, State, request_id

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["identity"])


@router.post("/auth/token", response_model=TokenPair)
def login(
    body: LoginRequest,
    session: DbSession,
    state: State,
    rid: Annotated[str | None, Depends(request_id)],
) -> TokenPair:
    """Exchange credentials (and a TOTP code for staff, a device proof for devices) for tokens."""
    policy = policy_of(state)
    anonymous = Actor(None, None, body.device_id, rid)
    user = service.authenticate(
        session,
        policy=policy,
        username=body.username,
        password=body.password,
        totp=body.totp,
        actor=anonymous,
    )
    device_id = None
    if body.device_id is not None:
        device = devices.verify_device_proof(
            session,
            user=user,
            device_id=body.device_id,
            timestamp=body.device_timestamp,
            signature=body.device_signature,
        )
        device_id = device.id
    return service.issue_tokens(session, policy=policy, user=user, device_id=device_id)


@router.post("/auth/refresh", response_model=TokenPair)
def refresh(body: RefreshRequest, session: DbSession, state: State) -> TokenPair:
    """Rotate a refresh token for a new pair; a reused token revokes its family."""
    return service.refresh_tokens(
        session, policy=policy_of(state), refresh_token=body.refresh_token
    )


@router.post("/auth/logout", status_code=204)
def logout(body: RefreshRequest, session: DbSession) -> Response:
    """Revoke the refresh-token family."""
    service.revoke_refresh_family(session, refresh_token=body.refresh_token)
    return Response(status_code=204)


@router.get("/me", response_model=UserRead)
def me(principal: Annotated[Principal, Depends(require(Permission.SELF_READ))]) -> UserRead:
    """The signed-in user's own account."""
    return UserRead.model_validate(principal.user)


@router.get("/users", response_model=list[UserRead])
def list_users(
    principal: Annotated[Principal, Depends(require(Permission.USERS_READ))],
    session: DbSession,
    role: Role | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[UserRead]:
    """Users, by username."""
    users = service.list_users(
        session, actor=principal.actor, role=role, limit=limit, offset=offset
    )
    return [UserRead.model_validate(u) for u in users]


@router.post("/users", response_model=UserCreated, status_code=201)
def create_user(
    body: UserCreate,
    session: DbSession,
    state: State,
    principal: Annotated[Principal, Depends(require(Permission.USERS_MANAGE))],
) -> UserCreated:
    """Create an account; a staff account's TOTP secret is returned once."""
    user, secret = service.create_user(session, actor=principal.actor, user_in=body)
    out = UserCreated.model_validate(user)
    if secret:
        out.totp_secret, out.totp_uri = secret, service.totp_uri(user, secret)
    return out


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(
    user_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.USERS_READ))],
    purpose: Purpose,
) -> UserRead:
    """One user's details; needs a stated purpose."""
    return UserRead.model_validate(
        service.get_user(session, actor=principal.actor, user_id=user_id, purpose=purpose)
    )


@router.post("/users/{user_id}/disable", response_model=UserRead)
def disable_user(
    user_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.USERS_MANAGE))],
) -> UserRead:
    """Disable an account and revoke its tokens and sessions."""
    return UserRead.model_validate(
        service.disable_user(session, actor=principal.actor, user_id=user_id)
    )


@router.post("/devices", response_model=DeviceRegistered, status_code=201)
def register_device(
    body: DeviceRegister,
    session: DbSession,
    state: State,
    principal: Annotated[Principal, Depends(require(Permission.DEVICES_REGISTER))],
) -> DeviceRegistered:
    """Register the caller's device (idempotent for the same id and key).

    With the device's signed proof in the body (``device_timestamp``, ``device_signature``, the
    same proof as at ``/auth/token``) the answer also carries device-bound tokens, so a fresh
    sign-in needs one authenticator code, not two.
    """
    proving = body.device_timestamp is not None or body.device_signature is not None
    if proving:
        devices.check_fresh_sign_in(
            device_id=principal.device_id, token_issued_at=principal.token_issued_at
        )
    device = devices.register_device(
        session, actor=principal.actor, user=principal.user, device_in=body
    )
    out = DeviceRegistered.model_validate(device)
    if proving:
        devices.first_sign_in(
            session,
            actor=principal.actor,
            user=principal.user,
            device_id=device.id,
            timestamp=body.device_timestamp,
            signature=body.device_signature,
        )
        out.tokens = service.issue_tokens(
            session, policy=policy_of(state), user=principal.user, device_id=device.id
        )
    return out


@router.get("/devices", response_model=list[DeviceRead])
def list_devices(
    session: DbSession, principal: Annotated[Principal, Depends(require(Permission.DEVICES_MANAGE))]
) -> list[DeviceRead]:
    """Every registered device."""
    return [
        DeviceRead.model_validate(d) for d in devices.list_devices(session, actor=principal.actor)
    ]


@router.post("/devices/{device_id}/revoke", response_model=DeviceRead)
def revoke_device(
    device_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.DEVICES_MANAGE))],
) -> DeviceRead:
    """Revoke a device."""
    return DeviceRead.model_validate(
        devices.revoke_device(session, actor=principal.actor, device_id=device_id)
    )


@router.post("/devices/{device_id}/wipe", response_model=DeviceRead)
def wipe_device(
    device_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.DEVICES_MANAGE))],
) -> DeviceRead:
    """Flag a device for remote wipe."""
    return DeviceRead.model_validate(
        devices.request_wipe(session, actor=principal.actor, device_id=device_id)
    )
