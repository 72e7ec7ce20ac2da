"""Page to add a warning marker or status (wanted, warrant, bail, recall, missing, licence)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from peelian.auth.dependencies import Principal, require_page
from peelian.auth.permissions import Permission
from peelian.core.errors import FieldError, InvalidInput, PeelianError
from peelian.records.codes import MARKER_LABELS, FlagKind
from peelian.records.pages._forms import errors_of, form_value
from peelian.records.schemas import FlagCreate
from peelian.records.service import flags, people
from peelian.web.deps import DbSession
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Writer = Annotated[Principal, Depends(require_page(Permission.PEOPLE_WRITE))]
TEXT_FIELDS = ("kind", "code", "source", "review_date", "offence", "warrant_type", "court",
               "action", "bail_type", "curfew_start", "curfew_end", "exclusion_zone",
               "reporting")  # fmt: skip


def _context(
    person_id: uuid.UUID, data: dict[str, Any], errors: list[dict[str, str]]
) -> dict[str, Any]:
    return {"person_id": person_id, "form": data, "errors": errors, "kinds": list(FlagKind),
            "markers": MARKER_LABELS}  # fmt: skip


def _end_of_day(value: str, name: str) -> str:
    """A date from the form as the end of that day in UTC."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput(
            f"{name} is not a real date", errors=[FieldError(f"/{name}", "enter a real date")]
        ) from None
    return datetime.combine(day, time(23, 59), tzinfo=UTC).isoformat()


@router.get("/people/{person_id}/flags/new", response_class=HTMLResponse)
def new_flag(
    request: Request, session: DbSession, principal: Writer, person_id: uuid.UUID
) -> Response:
    """The form for a new flag."""
    people.get_person(session, person_id)
    return render(request, "records/flag_form.html", _context(person_id, {}, []))


@router.post("/people/{person_id}/flags/new", response_class=HTMLResponse)
async def add_flag(
    request: Request, session: DbSession, principal: Writer, person_id: uuid.UUID
) -> Response:
    """Record the flag; bad input re-shows the form with an error summary."""
    data = dict(await request.form())
    try:
        fields: dict[str, Any] = {
            k: form_value(data, k) for k in TEXT_FIELDS if form_value(data, k) is not None
        }
        for name in ("starts_at", "expires_at"):
            value = form_value(data, name)
            if value:
                fields[name] = _end_of_day(value, name) if name == "expires_at" else value
        conditions = form_value(data, "conditions")
        if conditions:
            fields["conditions"] = [c.strip() for c in conditions.split(";") if c.strip()]
        flags.add_flag(session, actor=principal.actor, person_id=person_id,
                       flag_in=FlagCreate.model_validate(fields))  # fmt: skip
    except (ValidationError, PeelianError) as exc:
        if isinstance(exc, PeelianError) and exc.status == 404:
            raise
        context = _context(person_id, data, errors_of(exc))
        return render(request, "records/flag_form.html", context, status_code=400)
    return RedirectResponse(f"/people/{person_id}?purpose=Record+maintenance", status_code=303)
