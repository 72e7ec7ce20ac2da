"""Turning bad form input into GOV.UK error-summary entries."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import ValidationError

from peelian.core.errors import PeelianError

__all__ = ["error_status", "errors_of", "form_value"]


def errors_of(exc: ValidationError | PeelianError) -> list[dict[str, str]]:
    """Field errors (field = the form input's id) from a schema or service error."""
    if isinstance(exc, PeelianError):
        if not exc.errors:
            return [{"field": "form", "message": exc.detail}]
        return [
            {"field": e.field.strip("/").split("/")[0] or "form", "message": e.message}
            for e in exc.errors
        ]
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
        field = loc[0] if loc else "form"
        label = field.replace("_", " ").capitalize()
        out.append({"field": field, "message": f"{label}: {message}" if loc else message})
    return out


def form_value(data: dict[str, Any], name: str) -> str | None:
    """A stripped form value, or None when empty."""
    value = data.get(name)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def error_status(request: Request, errors: list[dict[str, str]]) -> int:
    """400 for a page with errors, except to htmx, which swaps only 2xx answers into the page."""
    if not errors or request.headers.get("hx-request") == "true":
        return 200
    return 400
