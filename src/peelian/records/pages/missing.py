"""Missing-person report pages: the list by risk grade (no names), and a whole report, opened
with a stated purpose and linked to the person's record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from peelian.auth.dependencies import Principal, require_page
from peelian.auth.navigation import NavItem, register_nav
from peelian.auth.permissions import Permission
from peelian.records.codes import MISSING_RISK_GRADES
from peelian.records.pages._forms import error_status
from peelian.records.pages._records import PAGE, choice, page_number, purpose_gate
from peelian.records.service import missing
from peelian.web.deps import DbSession
from peelian.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_nav(NavItem("Missing people", "/missing-reports", Permission.PEOPLE_READ, order=25))

Reader = Annotated[Principal, Depends(require_page(Permission.PEOPLE_READ))]
ANSWERS = {"yes": "Yes", "no": "No", "unknown": "Not known"}


def _utc(text: str) -> str:
    """An ISO time as stored in a risk answer, shown in UTC to the minute (as stored if odd)."""
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)
    if when.tzinfo is None:
        return str(text)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


@router.get("/missing-reports", response_class=HTMLResponse)
def list_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    risk_grade: str = "",
    page: str = "",
) -> Response:
    """Missing-person reports, newest last seen first, by risk grade (no names)."""
    errors: list[dict[str, str]] = []
    number = page_number(page, errors)
    grade = choice(risk_grade, MISSING_RISK_GRADES, "risk_grade", errors)
    rows: list[Any] = []
    total = 0
    if not errors:
        rows, total = missing.list_missing_reports(
            session, actor=principal.actor, risk_grade=grade, limit=PAGE,
            offset=(number - 1) * PAGE,
        )  # fmt: skip
    context = {"rows": rows, "total": total, "page": number, "page_size": PAGE,
               "risk_grade": risk_grade[:10], "grades": MISSING_RISK_GRADES,
               "errors": errors}  # fmt: skip
    status = error_status(request, errors)
    return render(request, "records/missing_reports.html", context, status_code=status)


@router.get("/missing-reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    report_id: uuid.UUID,
    purpose: str = "",
) -> Response:
    """A whole missing-person report with its risk answers, once a purpose is stated (audited)."""
    gate = purpose_gate(request, f"/missing-reports/{report_id}", purpose)
    if gate is not None:
        return gate
    report = missing.read_missing_report(
        session, actor=principal.actor, report_id=report_id, purpose=purpose.strip()
    )
    risks = [{**a, "obtained_utc": _utc(a.get("obtained_at", ""))} for a in report.risks]
    context = {"r": report, "risks": risks, "grades": MISSING_RISK_GRADES, "answers": ANSWERS,
               "purpose": purpose.strip()}  # fmt: skip
    return render(request, "records/missing_report.html", context)
