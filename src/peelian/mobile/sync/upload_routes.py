"""Resumable upload endpoints: HEAD for the offset, PATCH to append a chunk."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from starlette.concurrency import run_in_threadpool

from peelian.auth.dependencies import Principal, require
from peelian.auth.permissions import Permission
from peelian.core.errors import InvalidInput
from peelian.core.storage import BlobStore, NullBlobStore
from peelian.mobile.sync import uploads
from peelian.mobile.sync.routes import _caller
from peelian.web.deps import DbSession, State

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/mobile/uploads", tags=["mobile sync"])
Device = Annotated[Principal, Depends(require(Permission.FORMS_SUBMIT))]
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _headers(state: uploads.UploadState) -> dict[str, str]:
    return {
        "Upload-Offset": str(state.offset),
        "Upload-Length": str(state.size),
        "Tus-Resumable": "1.0.0",
        "Cache-Control": "no-store",
    }


def _sha(value: str) -> str:
    if not _SHA.match(value):
        raise InvalidInput("the upload is named by its SHA-256: 64 lowercase hex digits")
    return value


def _store(state: State) -> BlobStore:
    return state.blob_store or NullBlobStore()


@router.head("/{sha256}")
def offset(sha256: str, principal: Device, session: DbSession, state: State) -> Response:
    """How many bytes of the file the server already holds."""
    found = uploads.upload_state(
        session, caller=_caller(principal), sha256=_sha(sha256), blob_store=_store(state)
    )
    return Response(status_code=200, headers=_headers(found))


@router.patch("/{sha256}", status_code=204)
async def append(
    sha256: str,
    request: Request,
    principal: Device,
    session: DbSession,
    state: State,
    upload_offset: Annotated[int, Header(ge=0)],
    upload_checksum: Annotated[str | None, Header()] = None,
) -> Response:
    """Append a chunk at Upload-Offset, checked against Upload-Checksum (sha256, base64)."""
    chunk = await request.body()
    found = await run_in_threadpool(
        uploads.upload_chunk,
        session,
        caller=_caller(principal),
        sha256=_sha(sha256),
        offset=upload_offset,
        checksum=upload_checksum,
        chunk=chunk,
        blob_store=_store(state),
        staging=state.settings.var_dir / "uploads",
    )
    return Response(status_code=204, headers=_headers(found))
