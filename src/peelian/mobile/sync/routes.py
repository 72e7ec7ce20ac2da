"""JSON API of the sync protocol: info, push, pull, receipt check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from peelian.auth.dependencies import Principal, require
from peelian.auth.permissions import Permission
from peelian.core.time import utcnow
from peelian.mobile.errors import DeviceRequired, ReceiptInvalid, problem
from peelian.mobile.schemas import PullRequest, PullResponse, PushRequest, PushResponse, SyncInfo
from peelian.mobile.schemas import Receipt as ReceiptIn
from peelian.mobile.sync import service
from peelian.mobile.sync.protocol import PROTOCOL_VERSION, verify_receipt
from peelian.mobile.sync.signing import receipt_signer
from peelian.web.deps import DbSession, State

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/mobile/sync", tags=["mobile sync"])
MAX_BATCH = 500
Device = Annotated[Principal, Depends(require(Permission.FORMS_SUBMIT))]


def _caller(principal: Principal) -> service.DeviceCaller:
    if principal.device_id is None:
        raise problem(
            DeviceRequired,
            "sync needs a device-bound token: register this device and sign in with its proof",
            "re-register",
        )
    return service.DeviceCaller(principal.user, principal.device_id, principal.actor)


@router.get("/info", response_model=SyncInfo)
def info(principal: Device, session: DbSession, state: State) -> SyncInfo:
    """Protocol version, the receipt key, limits, server time and the device's last seq."""
    signer = receipt_signer(state.settings)
    device_id = principal.device_id
    return SyncInfo(
        protocol=PROTOCOL_VERSION,
        receipt_key_id=signer.key_id,
        receipt_public_key=signer.public_key_b64,
        max_batch=MAX_BATCH,
        max_chunk_bytes=max(1024, state.settings.max_body_bytes - 1024),
        max_attachment_bytes=state.settings.mobile_max_attachment_bytes,
        server_time=utcnow(),
        device_id=device_id,
        last_seq=service.last_seq(session, device_id) if device_id else 0,
    )


@router.post("/push", response_model=PushResponse)
def push(body: PushRequest, principal: Device, session: DbSession, state: State) -> Response:
    """Apply a batch of operations exactly once and return signed receipts."""
    store = state.blob_store
    result = service.push(
        session,
        caller=_caller(principal),
        batch=body,
        signer=receipt_signer(state.settings),
        max_attachment_bytes=state.settings.mobile_max_attachment_bytes,
        blob_exists=(lambda sha: store.exists(sha)) if store else (lambda sha: False),
    )
    # The service built the response from its own values: serialised once, by pydantic-core,
    # instead of FastAPI's validate-then-encode pass over every receipt.
    return Response(result.model_dump_json(), media_type="application/json")


@router.post("/pull", response_model=PullResponse)
def pull(body: PullRequest, principal: Device, session: DbSession) -> PullResponse:
    """Changes for the device's buckets, in priority order, from its cursors."""
    return service.pull(session, caller=_caller(principal), request=body)


@router.post("/receipts/verify", status_code=204)
def verify(body: ReceiptIn, principal: Device, state: State) -> None:
    """Check that a receipt was signed by this server for the calling device."""
    caller = _caller(principal)
    signer = receipt_signer(state.settings)
    if not verify_receipt(
        signer.public_key_b64, str(caller.device_id), body.model_dump(mode="json")
    ):
        raise problem(ReceiptInvalid, "this receipt was not issued by this server to you", "fix")
