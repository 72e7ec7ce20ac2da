"""The officer's search page: upload 1-2 scans, state the power, see RED/AMBER/GREEN.

The form is parsed in memory (:mod:`._multipart`), never with Starlette's spooling parser, and
the scans go the same way as the API's: decoded, searched and dropped.
"""

from __future__ import annotations

import base64
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from peelian.auth.dependencies import Principal, require
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.biometrics.pages._csrf import check_csrf
from peelian.biometrics.pages._multipart import FormError, MemoryForm, parse_form
from peelian.biometrics.schemas.search import POWERS, REASONS, SearchCreate, SearchRead
from peelian.biometrics.service import search
from peelian.biometrics.service.gallery import live_gallery
from peelian.biometrics.service.probe import ProbeUnusable
from peelian.biometrics.service.probe_cache import probe_cache_for
from peelian.core.errors import PeelianError
from peelian.web.deps import DbSession, State
from peelian.web.state import AppState
from peelian.web.templating import render

__all__ = ["SEARCH_PATH", "router"]

SEARCH_PATH = "/biometrics/search"
"""The officer's search page; its upload has the fingerprint search body cap."""

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Fingerprint search", "/biometrics/search", Permission.BIO_SEARCH, order=40))

# Not require_page: its CSRF check parses the body with Starlette's spooling form parser.
Searching = Annotated[Principal, Depends(require(Permission.BIO_SEARCH))]
FINGERS = {
    1: "Right thumb", 2: "Right index", 3: "Right middle", 4: "Right ring", 5: "Right little",
    6: "Left thumb", 7: "Left index", 8: "Left middle", 9: "Left ring", 10: "Left little",
}  # fmt: skip
SLOTS = (1, 2)


def _searcher(principal: Principal) -> search.Searcher:
    return search.Searcher(
        actor=principal.actor,
        user_id=principal.user.id,
        role=principal.role,
        device_id=principal.device_id,
        via=principal.via,
    )


def _context(form: dict[str, str], errors: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {"form": form, "errors": errors, "fingers": FINGERS, "powers": POWERS,
            "reasons": REASONS, "slots": SLOTS, **extra}  # fmt: skip


@router.get(SEARCH_PATH, response_class=HTMLResponse)
def search_page(request: Request, principal: Searching) -> Response:
    """The search form."""
    form = {"power": "pace-s61-6a", "position_1": "2", "position_2": "7"}
    return render(request, "biometrics/search.html", _context(form, []))


def _search_in(form: MemoryForm) -> tuple[SearchCreate | None, list[dict[str, str]]]:
    errors: list[dict[str, str]] = []
    fingers: list[dict[str, Any]] = []
    for slot in SLOTS:
        scan = form.files.get(f"scan_{slot}")
        if scan is None:
            if slot == 1:
                errors.append({"field": "scan_1", "message": "Upload a scan of the first finger"})
            continue
        position = form.text(f"position_{slot}")
        if not position.isdigit() or not 1 <= int(position) <= 10:
            errors.append({"field": f"position_{slot}", "message": "Choose which finger it is"})
            continue
        fingers.append({"position": int(position), "image_b64": base64.b64encode(scan).decode()})
    if not form.text("reason"):
        errors.append({"field": "reason", "message": "Choose the reason for taking fingerprints"})
    if len(form.text("offence")) < 3:
        errors.append({"field": "offence", "message": "Enter the offence you suspect"})
    if errors:
        return None, errors
    data: dict[str, Any] = {
        "fingers": fingers,
        "power": form.text("power"),
        "reason": form.text("reason"),
        "offence": form.text("offence"),
    }
    try:
        return SearchCreate.model_validate(data), []
    except ValidationError as exc:
        return None, [_page_error(tuple(e["loc"]), e["msg"]) for e in exc.errors()]


def _page_error(loc: tuple[Any, ...], message: str) -> dict[str, str]:
    message = message.removeprefix("Value error, ")
    if loc[:1] == ("fingers",) and len(loc) > 1 and isinstance(loc[1], int):
        return {"field": f"scan_{loc[1] + 1}", "message": f"Finger {loc[1] + 1}: {message}"}
    field = str(loc[0]) if loc else "scan_1"
    return {"field": field, "message": f"{field.capitalize()}: {message}"}


def _probe_errors(exc: PeelianError) -> list[dict[str, str]]:
    out = []
    for e in exc.errors or []:
        parts = e.field.strip("/").split("/")
        slot = int(parts[1]) + 1 if len(parts) > 1 and parts[1].isdigit() else 1
        out.append({"field": f"scan_{slot}", "message": f"Scan {slot}: {e.message}"})
    return out or [{"field": "scan_1", "message": exc.detail}]


def _search(
    session: Session, state: AppState, principal: Principal, search_in: SearchCreate
) -> SearchRead:
    searcher = _searcher(principal)
    holder = live_gallery(session, state)
    # As the API: the search runs outside any transaction (SQLite's writer lock is not held).
    session.commit()
    with search.match_probe(search_in, holder) as matched:
        return search.record_search(
            session,
            searcher=searcher,
            search_in=search_in,
            matched=matched,
            cache=probe_cache_for(state),
            review_ttl_s=state.settings.bio_review_ttl_s,
        )


@router.post(SEARCH_PATH, response_class=HTMLResponse)
async def run_search_page(
    request: Request, session: DbSession, state: State, principal: Searching
) -> Response:
    """Run a search from uploaded scans; errors re-show the form with a GOV.UK summary."""
    try:
        form = parse_form(await request.body(), request.headers.get("content-type", ""))
    except FormError as exc:
        context = _context({}, [{"field": "scan_1", "message": str(exc)}])
        return render(request, "biometrics/search.html", context, status_code=400)
    check_csrf(request, form)
    shown = {k: v for k, v in form.fields.items() if k != "csrf_token"}
    search_in, errors = _search_in(form)
    form.files.clear()
    result: SearchRead | None = None
    if search_in is not None:
        try:
            result = await run_in_threadpool(_search, session, state, principal, search_in)
        except ProbeUnusable as exc:
            errors = _probe_errors(exc)
        del search_in
    status = 400 if errors and request.headers.get("hx-request") != "true" else 200
    context = _context(shown, errors, result=result)
    return render(request, "biometrics/search.html", context, status_code=status)


@router.get("/biometrics/searches/{search_id}", response_class=HTMLResponse)
def search_result_page(
    request: Request, session: DbSession, state: State, principal: Searching, search_id: uuid.UUID
) -> Response:
    """The current answer of a search (the page polls it while an examiner reviews)."""
    result = search.read_search(
        session, searcher=_searcher(principal), search_id=search_id, cache=probe_cache_for(state)
    )
    return render(request, "biometrics/_result.html", {"result": result})
