"""Officer devices: registration, signed device proofs at sign-in, revocation and remote wipe."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Sequence
from datetime import timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from peelian.auth import repository
from peelian.auth.models import Device, DeviceStatus, User
from peelian.auth.schemas import DeviceRegister
from peelian.core.audit import Actor, AuditAction
from peelian.core.audit import record as audit
from peelian.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from peelian.core.time import utcnow

__all__ = [
    "check_device",
    "check_fresh_sign_in",
    "device_proof_message",
    "first_sign_in",
    "list_devices",
    "register_device",
    "request_wipe",
    "revoke_device",
    "verify_device_proof",
]

PROOF_WINDOW_S = 300
SEEN_RESOLUTION = timedelta(seconds=60)


def _public_key(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise InvalidInput(
            "public_key must be a base64 Ed25519 key of 32 bytes", extra={"field": "public_key"}
        ) from exc


def register_device(
    session: Session, *, actor: Actor, user: User, device_in: DeviceRegister
) -> Device:
    """Register a device to the signed-in user under the id it minted."""
    _public_key(device_in.public_key)
    existing = session.get(Device, device_in.id)
    if existing is not None:
        if existing.user_id == user.id and existing.public_key == device_in.public_key:
            return existing  # a retried registration after lost signal is not an error
        raise Conflict("a device with this id is already registered")
    device = Device(
        id=device_in.id,
        user_id=user.id,
        name=device_in.name,
        public_key=device_in.public_key,
        last_seen_at=utcnow(),
    )
    session.add(device)
    session.flush()
    audit(
        session, actor=actor, action=AuditAction.CREATE, record_type="device", record_id=device.id
    )
    return device


def check_fresh_sign_in(*, device_id: uuid.UUID | None, token_issued_at: int | None) -> None:
    """A device's first sign-in rides on its registration only from a recent, plain sign-in.

    The registering token proved the password and authenticator code moments ago; asking for a
    second code (of the next 30-second step) at once only makes officers wait. A token that is
    already device-bound, or older than the proof window, must sign in again instead.
    """
    if device_id is not None:
        raise Forbidden("this token is already bound to a device; sign in without it to register")
    if token_issued_at is None or int(time.time()) - token_issued_at > PROOF_WINDOW_S:
        raise Unauthorized(
            "sign in again (password and code) to register this device and sign in with it",
            extra={"action": "sign-in"},
        )


def first_sign_in(
    session: Session,
    *,
    actor: Actor,
    user: User,
    device_id: uuid.UUID,
    timestamp: int | None,
    signature: str | None,
) -> Device:
    """Verify a just-registered device's proof and audit its sign-in."""
    device = verify_device_proof(
        session, user=user, device_id=device_id, timestamp=timestamp, signature=signature
    )
    audit(
        session,
        actor=Actor(user.id, user.role.value, device.id, actor.request_id),
        action=AuditAction.LOGIN,
        record_type="user",
        record_id=user.id,
        detail={"via": "device-registration"},
    )
    return device


def device_proof_message(username: str, device_id: uuid.UUID, timestamp: int) -> bytes:
    """The bytes a device signs to prove itself at sign-in."""
    return f"peelian-device-login:v1:{username.lower()}:{device_id}:{timestamp}".encode()


def verify_device_proof(
    session: Session,
    *,
    user: User,
    device_id: uuid.UUID,
    timestamp: int | None,
    signature: str | None,
) -> Device:
    """Check that the device is the user's, live, and signed a fresh proof."""
    device = check_device(session, device_id=device_id, user_id=user.id)
    if timestamp is None or signature is None:
        raise Unauthorized("device_timestamp and device_signature are required with device_id")
    if abs(int(time.time()) - timestamp) > PROOF_WINDOW_S:
        raise Unauthorized("the device clock is more than five minutes out; correct it and retry")
    try:
        _public_key(device.public_key).verify(
            base64.b64decode(signature), device_proof_message(user.username, device_id, timestamp)
        )
    except (InvalidSignature, ValueError) as exc:
        raise Unauthorized("the device signature is not valid") from exc
    return device


def check_device(session: Session, *, device_id: uuid.UUID, user_id: uuid.UUID) -> Device:
    """The user's live device; revoked or wipe-flagged devices are refused with what to do."""
    device = session.get(Device, device_id)
    if device is None or device.user_id != user_id:
        raise Unauthorized("this device is not registered to you")
    if device.status is DeviceStatus.WIPE_REQUESTED:
        raise Forbidden("this device must be wiped", extra={"action": "wipe"})
    if device.status is DeviceStatus.REVOKED:
        raise Forbidden("this device has been revoked", extra={"action": "re-register"})
    now = utcnow()
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_RESOLUTION:
        device.last_seen_at = now
    return device


def list_devices(session: Session, *, actor: Actor) -> Sequence[Device]:
    """All devices, for administrators."""
    devices = repository.list_devices(session)
    audit(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="device",
        detail={"returned": len(devices)},
    )
    return devices


def _change(
    session: Session, *, actor: Actor, device_id: uuid.UUID, status: DeviceStatus
) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound("no such device")
    now = utcnow()
    device.status = status
    if status is DeviceStatus.REVOKED:
        device.revoked_at = now
    else:
        device.wipe_requested_at = now
    audit(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="device",
        record_id=device.id,
        detail={"status": status.value},
    )
    session.flush()
    return device


def revoke_device(session: Session, *, actor: Actor, device_id: uuid.UUID) -> Device:
    """Revoke a device: its tokens stop working at the next request."""
    return _change(session, actor=actor, device_id=device_id, status=DeviceStatus.REVOKED)


def request_wipe(session: Session, *, actor: Actor, device_id: uuid.UUID) -> Device:
    """Flag a lost device for remote wipe: it is told to erase itself when it next calls."""
    return _change(session, actor=actor, device_id=device_id, status=DeviceStatus.WIPE_REQUESTED)
