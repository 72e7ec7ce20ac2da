"""People pages: search with a purpose, view, check, create and edit."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from peelian.auth.dependencies import Principal, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission, has_permission
from peelian.core.errors import PeelianError
from peelian.records.codes import ETHNICITY, Sex
from peelian.records.pages._forms import error_status, errors_of, form_value
from peelian.records.schemas import PersonCreate, PersonUpdate
from peelian.records.service import check, people, search
from peelian.web.deps import DbSession
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("People", "/people", Permission.PEOPLE_READ, order=20))

PAGE = 20
MIN_PURPOSE = 5
Reader = Annotated[Principal, Depends(require_page(Permission.PEOPLE_READ))]
Writer = Annotated[Principal, Depends(require_page(Permission.PEOPLE_WRITE))]
SCALARS = ("given_names", "family_name", "date_of_birth", "sex", "ethnicity", "height_cm",
           "build", "marks")  # fmt: skip


def _purpose_error(purpose: str) -> list[dict[str, str]]:
    if len(purpose.strip()) < MIN_PURPOSE:
        return [{"field": "purpose", "message": "Enter why you need this record (a purpose)"}]
    return []


@router.get("/people", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    q: Annotated[str, Query(max_length=200)] = "",
    purpose: Annotated[str, Query(max_length=500)] = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    """Search people by name and date of birth; nothing is shown until a purpose is given."""
    form = {"q": q, "purpose": purpose}
    context: dict[str, Any] = {"form": form, "errors": [], "results": [], "total": 0,
                               "page": page, "page_size": PAGE, "searched": False}  # fmt: skip
    if q or purpose:
        errors = _purpose_error(purpose)
        if not q.strip():
            errors.append({"field": "q", "message": "Enter a name, e.g. John Smith 12/03/1990"})
        if not errors:
            try:
                results, total = search.search_people(
                    session, actor=principal.actor, q=q, purpose=purpose.strip(), page=page,
                    page_size=PAGE,
                )  # fmt: skip
                context.update(results=results, total=total, searched=True)
            except PeelianError as exc:
                errors = [{"field": "q", "message": e["message"]} for e in errors_of(exc)]
        context["errors"] = errors
    status = error_status(request, context["errors"])
    return render(request, "records/people_search.html", context, status_code=status)


def _form_context(data: dict[str, Any], errors: list[dict[str, str]]) -> dict[str, Any]:
    return {"form": data, "errors": errors, "sexes": list(Sex), "ethnicities": ETHNICITY}


@router.get("/people/new", response_class=HTMLResponse)
def new_person(request: Request, principal: Writer) -> Response:
    """The form for a new person."""
    return render(request, "records/person_form.html", _form_context({}, []) | {"new": True})


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    return {k: form_value(data, k) for k in SCALARS if form_value(data, k) is not None}


@router.post("/people/new", response_class=HTMLResponse)
async def create_person(request: Request, session: DbSession, principal: Writer) -> Response:
    """Create a person from the form; bad input re-shows the form with an error summary."""
    data = dict(await request.form())
    try:
        fields = _scalars(data)
        pnc = form_value(data, "pnc")
        if pnc:
            fields["identifiers"] = [{"kind": "pnc", "value": pnc}]
        person = people.create_person(
            session, actor=principal.actor, person_in=PersonCreate.model_validate(fields)
        )
    except (ValidationError, PeelianError) as exc:
        context = _form_context(data, errors_of(exc)) | {"new": True}
        return render(request, "records/person_form.html", context, status_code=400)
    return RedirectResponse(f"/people/{person.id}?purpose=Creating+the+record", status_code=303)


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    person_id: uuid.UUID,
    purpose: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    """A person's record, shown only once a purpose is stated (and audited)."""
    errors = _purpose_error(purpose) if purpose else []
    if not purpose or errors:
        hint = "Recorded with your access, e.g. 'Incident INC-20261129-000123: suspect'"
        gate: dict[str, Any] = {"action": f"/people/{person_id}", "errors": errors,
                                "purpose": purpose, "hint": hint}  # fmt: skip
        return render(request, "purpose.html", gate, status_code=400 if errors else 200)
    view = people.read_person(
        session, actor=principal.actor, person_id=person_id, purpose=purpose.strip()
    )
    # A plain link: whether prints are enrolled is the biometrics page's to say (records may
    # not depend on biometrics).
    can_enrol = has_permission(principal.role, Permission.BIO_ENROL)
    context = {"view": view, "purpose": purpose, "ethnicities": ETHNICITY, "can_enrol": can_enrol}
    return render(request, "records/person.html", context)


@router.get("/people/{person_id}/check", response_class=HTMLResponse)
def check_page(
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(require_page(Permission.PERSON_CHECK))],
    person_id: uuid.UUID,
    purpose: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    """The person check (an htmx fragment on the person page, or a page of its own)."""
    errors = _purpose_error(purpose)
    if errors:
        status = error_status(request, errors)
        return render(request, "records/check.html", {"errors": errors}, status_code=status)
    result = check.check_person(
        session, actor=principal.actor, person_id=person_id, purpose=purpose.strip()
    )
    return render(request, "records/check.html", {"check": result, "errors": []})


@router.get("/people/{person_id}/edit", response_class=HTMLResponse)
def edit_person(
    request: Request, session: DbSession, principal: Writer, person_id: uuid.UUID
) -> Response:
    """The edit form, filled in (the read is audited as record maintenance)."""
    view = people.read_person(
        session, actor=principal.actor, person_id=person_id, purpose="Record maintenance (edit)"
    )
    data = {k: getattr(view.person, k) for k in SCALARS}
    data["sex"] = view.person.sex.value
    context = _form_context(data, []) | {"new": False, "person_id": person_id}
    return render(request, "records/person_form.html", context)


@router.post("/people/{person_id}/edit", response_class=HTMLResponse)
async def update_person(
    request: Request, session: DbSession, principal: Writer, person_id: uuid.UUID
) -> Response:
    """Save the edit; a failed edit changes nothing and re-shows the form with errors."""
    data = dict(await request.form())
    try:
        fields = {k: form_value(data, k) for k in SCALARS}
        person_in = PersonUpdate.model_validate(fields)
        people.update_person(
            session, actor=principal.actor, person_id=person_id, person_in=person_in
        )
    except (ValidationError, PeelianError) as exc:
        if isinstance(exc, PeelianError) and exc.status == 404:
            raise
        context = _form_context(data, errors_of(exc)) | {"new": False, "person_id": person_id}
        return render(request, "records/person_form.html", context, status_code=400)
    return RedirectResponse(f"/people/{person_id}?purpose=Record+maintenance", status_code=303)
