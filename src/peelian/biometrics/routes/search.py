"""Mobile search API: an officer's device (or examiner staff) searches 1-2 fingers 1:N."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from peelian.auth.dependencies import Principal, require
from peelian.auth.permissions import Permission
from peelian.biometrics.schemas.search import SearchCreate, SearchRead
from peelian.biometrics.service import search
from peelian.biometrics.service.gallery import live_gallery
from peelian.biometrics.service.probe_cache import probe_cache_for
from peelian.web.deps import DbSession, State

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/biometrics/searches", tags=["biometrics"])
Searching = Annotated[Principal, Depends(require(Permission.BIO_SEARCH))]


def searcher_of(principal: Principal) -> search.Searcher:
    """The caller as the search service sees them; officers must be on a registered device."""
    searcher = search.Searcher(
        actor=principal.actor,
        user_id=principal.user.id,
        role=principal.role,
        device_id=principal.device_id,
        via="device" if principal.device_id else principal.via,
    )
    if principal.device_id is None and not searcher.is_staff:
        raise search.DeviceRequired(
            "officers search from a registered device: sign in with the device's proof to get "
            "a device-bound token",
            extra={"action": "re-register"},
        )
    return searcher


def _answer(read: SearchRead) -> JSONResponse:
    body = read.model_dump(mode="json")
    if read.candidates is None:
        body.pop("candidates")  # staff roles only: the key is absent for officers
    return JSONResponse(body)


@router.post("", response_model=SearchRead)
def create_search(
    body: SearchCreate, principal: Searching, session: DbSession, state: State
) -> JSONResponse:
    """Search 1-2 fingers against the gallery: RED, AMBER (examiner review) or GREEN."""
    searcher = searcher_of(principal)
    holder = live_gallery(session, state)
    # Commit what was read so far (the caller, the gallery's change log): the search itself needs
    # no database, and an open SQLite transaction holds the process's writer lock, which would
    # let only one search run at a time. The outcome is then recorded in a second transaction.
    session.commit()
    with search.match_probe(body, holder) as matched:
        read = search.record_search(
            session,
            searcher=searcher,
            search_in=body,
            matched=matched,
            cache=probe_cache_for(state),
            review_ttl_s=state.settings.bio_review_ttl_s,
        )
    del body  # the probe's base64 goes with the request
    return _answer(read)


@router.get("/{search_id}", response_model=SearchRead)
def read_search(
    search_id: uuid.UUID, principal: Searching, session: DbSession, state: State
) -> JSONResponse:
    """A search as it stands now, with the examiner's decision (the device polls this)."""
    read = search.read_search(
        session,
        searcher=searcher_of(principal),
        search_id=search_id,
        cache=probe_cache_for(state),
    )
    return _answer(read)
