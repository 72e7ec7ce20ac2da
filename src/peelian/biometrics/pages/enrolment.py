"""Ten-print enrolment pages for custody and fingerprint bureau staff.

Enrol a set for a records person (one image per NIST finger position, or one ANSI/NIST-ITL
transaction), see an enrolment after stating a purpose, and destroy it with a reason. The form is
parsed in memory (:mod:`._multipart`); every read and change goes through the enrolment service,
which audits it and keeps the live gallery in step only once the request's transaction commits.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from peelian.auth import service as auth_service
from peelian.auth.dependencies import Principal, require, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.biometrics.pages import _enrol_form as ef
from peelian.biometrics.pages._csrf import check_csrf
from peelian.biometrics.pages._multipart import FormError, parse_form
from peelian.biometrics.service import enrolment, gallery
from peelian.core.errors import InvalidInput, NotFound
from peelian.web.deps import DbSession, State, get_state
from peelian.web.state import AppState
from peelian.web.templating import render

__all__ = ["ENROL_PATH", "router"]

ENROL_PATH = "/biometrics/enrolments/new"
"""The enrolment form; its upload has the fingerprint enrolment body cap."""

router = APIRouter(include_in_schema=False)
register_nav(
    NavItem("Fingerprint enrolment", "/biometrics/enrolments/new", Permission.BIO_ENROL, order=42)
)
# Not require_page on the upload: its CSRF check parses the body with Starlette's spooling
# parser, which writes large uploads to temporary files; the form is checked in memory instead.
Enroller = Annotated[Principal, Depends(require(Permission.BIO_ENROL))]
EnrollerPage = Annotated[Principal, Depends(require_page(Permission.BIO_ENROL))]
# The purpose recorded when the enrolment form looks for a set it would replace.
CHECK_PURPOSE = "Ten-print enrolment: checking for an enrolled set to replace"
ENROLLED_PURPOSE = "Ten-print enrolment: reviewing the set just enrolled"
MIN_PURPOSE, MAX_PURPOSE = 5, 500
MAX_REASON = 500
Errors = list[dict[str, str]]


def _existing(
    session: Session, principal: Principal, person_id: uuid.UUID
) -> enrolment.EnrolmentView | None:
    """The person's current enrolment (an audited read), or None when none is held."""
    try:
        return enrolment.read_enrolment(
            session, actor=principal.actor, person_id=person_id, purpose=CHECK_PURPOSE
        )
    except NotFound:
        return None


def _form_page(
    request: Request,
    form: dict[str, str],
    errors: Errors,
    *,
    existing: enrolment.EnrolmentView | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    max_mb = get_state(request).settings.bio_enrol_max_bytes / (1024 * 1024)
    context = {"form": form, "errors": errors, "existing": existing, "fingers": ef.FINGERS,
               "min_fingers": ef.MIN_FINGERS, "min_quality": ef.MIN_QUALITY,
               "min_minutiae": ef.MIN_MINUTIAE, "max_mb": max_mb, **extra}  # fmt: skip
    return render(request, "biometrics/enrol.html", context, status_code=status_code)


@router.get(ENROL_PATH, response_class=HTMLResponse)
def new_enrolment(
    request: Request,
    session: DbSession,
    principal: Enroller,
    person_id: Annotated[str, Query(max_length=100)] = "",
    destroyed: Annotated[str, Query(max_length=5)] = "",
) -> Response:
    """The enrolment form; says whether the person already has a set enrolled."""
    errors: Errors = []
    pid = ef.parse_person_id(person_id, errors) if person_id else None
    existing = _existing(session, principal, pid) if pid is not None else None
    form = {"person_id": person_id}
    status = 400 if errors else 200
    return _form_page(
        request, form, errors, existing=existing, status_code=status, destroyed=bool(destroyed)
    )


def _enrol(
    session: Session, state: AppState, principal: Principal, req: ef.EnrolRequest
) -> enrolment.EnrolmentView:
    holder = gallery.gallery_for(state)
    if req.transaction is not None:
        return enrolment.enrol_transaction(
            session,
            actor=principal.actor,
            store=state.blob_store,
            holder=holder,
            data=req.transaction,
        )
    return enrolment.enrol_images(
        session,
        actor=principal.actor,
        store=state.blob_store,
        holder=holder,
        person_id=req.person_id,
        fingers=req.fingers,
    )


def _precheck(req: ef.EnrolRequest, existing: enrolment.EnrolmentView | None) -> Errors:
    """Refusals the page makes before any image is decoded."""
    errors: Errors = []
    if existing is not None and not req.confirm_replace:
        message = "Confirm that the new set replaces the prints already enrolled"
        errors.append({"field": "confirm_replace", "message": message})
    if req.transaction is not None:
        named = ef.transaction_person(req.transaction)
        if named is not None and named != req.person_id:
            message = (
                f"Transaction file: it is for person {named} (Type-2 field "
                f"{enrolment.PERSON_ID_FIELD}), not for {req.person_id}"
            )
            errors.append({"field": "transaction", "message": message})
    return errors


@router.post(ENROL_PATH, response_class=HTMLResponse)
async def enrol_page(
    request: Request, session: DbSession, state: State, principal: Enroller
) -> Response:
    """Enrol from the uploaded images or transaction; all or nothing, errors per finger."""
    try:
        form = parse_form(await request.body(), request.headers.get("content-type", ""))
    except FormError as exc:
        return _form_page(request, {}, [{"field": "finger_1", "message": str(exc)}],
                          status_code=400)  # fmt: skip
    check_csrf(request, form)
    shown = {k: form.text(k) for k in ef.TEXT_FIELDS}
    req, errors = ef.read_enrol_form(form)
    form.files.clear()
    existing: enrolment.EnrolmentView | None = None
    if req is not None:
        existing = _existing(session, principal, req.person_id)
        errors = _precheck(req, existing)
    if req is None or errors:
        return _form_page(request, shown, errors, existing=existing, status_code=400)
    try:
        view = await run_in_threadpool(_enrol, session, state, principal, req)
    except InvalidInput as exc:
        errors = ef.errors_of(exc, from_transaction=req.transaction is not None)
        return _form_page(request, shown, errors, existing=existing, status_code=exc.status)
    query = urlencode({"purpose": ENROLLED_PURPOSE, "done": "enrolled"})
    return RedirectResponse(
        f"/biometrics/enrolments/{view.enrolment.person_id}?{query}", status_code=303
    )


def _purpose_errors(purpose: str) -> Errors:
    given = purpose.strip()
    if MIN_PURPOSE <= len(given) <= MAX_PURPOSE:
        return []
    message = (
        "Enter why you need this enrolment (a purpose)"
        if len(given) < MIN_PURPOSE
        else f"Purpose must be {MAX_PURPOSE} characters or fewer"
    )
    return [{"field": "purpose", "message": message}]


def _enrolled_by(
    session: Session, principal: Principal, view: enrolment.EnrolmentView, purpose: str
) -> str:
    user_id = view.enrolment.enrolled_by
    if user_id is None:
        return "unknown"
    try:
        user = auth_service.get_user(
            session, actor=principal.actor, user_id=user_id, purpose=purpose
        )
    except NotFound:
        return f"a former user ({user_id})"
    collar = f", {user.collar_number}" if user.collar_number else ""
    return f"{user.display_name} ({user.username}{collar})"


def _summary_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    person_id: uuid.UUID,
    purpose: str,
    *,
    errors: Errors | None = None,
    reason: str = "",
    done: str = "",
    status_code: int = 200,
) -> Response:
    try:
        view = enrolment.read_enrolment(
            session, actor=principal.actor, person_id=person_id, purpose=purpose
        )
    except NotFound:
        missing: dict[str, Any] = {"view": None, "person_id": person_id, "errors": []}
        return render(request, "biometrics/enrolment.html", missing, status_code=404)
    context: dict[str, Any] = {
        "view": view,
        "person_id": person_id,
        "purpose": purpose,
        "fingers": ef.FINGERS,
        "enrolled_by": _enrolled_by(session, principal, view, purpose),
        "errors": errors or [],
        "reason": reason,
        "done": done,
    }
    return render(request, "biometrics/enrolment.html", context, status_code=status_code)


@router.get("/biometrics/enrolments/{person_id}", response_class=HTMLResponse)
def enrolment_page(
    request: Request,
    session: DbSession,
    principal: Enroller,
    person_id: uuid.UUID,
    purpose: Annotated[str, Query(max_length=1000)] = "",
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """A person's enrolment, shown only once a purpose is stated (the read is audited)."""
    errors = _purpose_errors(purpose) if purpose else []
    if not purpose or errors:
        context = {"action": f"/biometrics/enrolments/{person_id}", "errors": errors,
                   "purpose": purpose[:MAX_PURPOSE], "subject": "enrolment",
                   "hint": "Recorded with your access, e.g. 'Custody record CUS-2026-0042: "
                           "checking the ten-print set'"}  # fmt: skip
        return render(request, "purpose.html", context,
                      status_code=400 if errors else 200)  # fmt: skip
    return _summary_page(request, session, principal, person_id, purpose.strip(), done=done)


@router.post("/biometrics/enrolments/{person_id}/destroy", response_class=HTMLResponse)
async def destroy_page(
    request: Request,
    session: DbSession,
    state: State,
    principal: EnrollerPage,
    person_id: uuid.UUID,
) -> Response:
    """Destroy the enrolled prints with a reason; the gallery forgets them on commit."""
    form = await request.form()
    reason = str(form.get("reason") or "")[:MAX_REASON]
    purpose = str(form.get("purpose") or "").strip()[:MAX_PURPOSE]
    if len(purpose) < MIN_PURPOSE:
        purpose = "Destroying the enrolled prints"
    try:
        enrolment.unenrol(
            session,
            actor=principal.actor,
            store=state.blob_store,
            holder=gallery.gallery_for(state),
            person_id=person_id,
            reason=reason,
        )
    except InvalidInput:
        message = "Enter why the prints are being destroyed, e.g. 'PACE s.64: NFA'"
        errors = [{"field": "reason", "message": message}]
        return _summary_page(request, session, principal, person_id, purpose, errors=errors,
                             reason=reason, status_code=400)  # fmt: skip
    query = urlencode({"person_id": str(person_id), "destroyed": "1"})
    return RedirectResponse(f"/biometrics/enrolments/new?{query}", status_code=303)
