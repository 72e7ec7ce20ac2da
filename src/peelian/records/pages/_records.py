"""What the pages of records made from mobile submissions share: the purpose asked for before a
whole record opens, and checks of query-string input that end in an error summary (never a 422
problem or a 500) when the input is bad."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from peelian.web.templating import render

__all__ = ["MIN_PURPOSE", "PAGE", "choice", "page_number", "purpose_gate"]

PAGE = 50
MIN_PURPOSE = 5
MAX_PURPOSE = 500
MAX_PAGE = 10_000


def purpose_gate(request: Request, action: str, purpose: str) -> Response | None:
    """The purpose page (400 with an error summary for a bad purpose), or None to go on."""
    given = purpose.strip()
    errors = []
    if purpose and not MIN_PURPOSE <= len(given) <= MAX_PURPOSE:
        message = (
            "Enter why you need this record (a purpose)"
            if len(given) < MIN_PURPOSE
            else f"Purpose must be {MAX_PURPOSE} characters or fewer"
        )
        errors = [{"field": "purpose", "message": message}]
    if purpose and not errors:
        return None
    context = {"action": action, "errors": errors, "purpose": purpose[:MAX_PURPOSE]}
    return render(request, "purpose.html", context, status_code=400 if errors else 200)


def page_number(value: str, errors: list[dict[str, str]]) -> int:
    """The page asked for (1 when none); a bad one is an error against `page`."""
    if not value:
        return 1
    if value.isdigit() and 1 <= int(value) <= MAX_PAGE:
        return int(value)
    errors.append({"field": "page", "message": f"Page must be a number from 1 to {MAX_PAGE}"})
    return 1


def choice(
    value: str, table: dict[str, str], name: str, errors: list[dict[str, str]]
) -> str | None:
    """A code from a table, None when empty; anything else is an error against `name`."""
    if value and value not in table:
        errors.append({"field": name, "message": "Choose an option from the list"})
        return None
    return value or None
