"""Every error leaves as RFC 9457 problem+json (API) or a rendered error page (browser pages)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from peelian.core.errors import PeelianError
from peelian.web.templating import render

__all__ = ["install_problem_handlers", "problem_response", "wants_html"]

log = logging.getLogger("peelian.web")
PROBLEM_BASE = "https://peelian.dev/problems/"


def problem_response(
    request: Request,
    *,
    status: int,
    title: str,
    detail: str,
    slug: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """Build an application/problem+json response."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    rid = getattr(request.state, "request_id", None)
    if rid:
        body["request_id"] = rid
    if errors:
        body["errors"] = errors
    if extra:
        body.update({k: v for k, v in extra.items() if k not in body})
    return JSONResponse(
        body, status_code=status, headers=headers, media_type="application/problem+json"
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return "/" + "/".join(parts) if parts else "/"


def _validation_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "missing":
        return "is required"
    return str(err.get("msg", "is not valid")).removeprefix("Value error, ")


async def _on_validation(request: Request, exc: RequestValidationError) -> Response:
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem_response(
            request,
            status=400,
            title="Malformed JSON",
            slug="malformed-json",
            detail="the request body is not valid JSON",
        )
    errors = [{"field": _field(e.get("loc", ())), "message": _validation_message(e)} for e in raw]
    first = errors[0]
    return problem_response(
        request,
        status=422,
        title="Invalid input",
        slug="invalid-input",
        detail=f"{first['field']} {first['message']}",
        errors=errors,
    )


def wants_html(request: Request) -> bool:
    """True for a browser asking for a page rather than an API client."""
    path = request.url.path
    if path.startswith(("/api/", "/healthz", "/readyz", "/metrics", "/docs", "/openapi")):
        return False
    return "text/html" in request.headers.get("accept", "")


def _html_error(request: Request, status: int, title: str, detail: str) -> Response:
    if status == 401:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return render(request, "error.html", {"title": title, "detail": detail}, status_code=status)


async def _on_peelian(request: Request, exc: PeelianError) -> Response:
    if wants_html(request):
        return _html_error(request, exc.status, exc.title, exc.detail)
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return problem_response(
        request,
        status=exc.status,
        title=exc.title,
        slug=exc.slug,
        detail=exc.detail,
        errors=errors,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _on_http(request: Request, exc: StarletteHTTPException) -> Response:
    titles = {404: "Not found", 405: "Method not allowed", 413: "Request body too large"}
    title = titles.get(exc.status_code, "Error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    if wants_html(request):
        return _html_error(request, exc.status_code, title, detail)
    return problem_response(
        request,
        status=exc.status_code,
        title=title,
        detail=detail,
        slug=title.lower().replace(" ", "-"),
        headers=dict(exc.headers or {}),
    )


async def _on_unhandled(request: Request, exc: Exception) -> Response:
    # Only the type goes to the log: exception messages can carry personal data.
    log.error("unhandled error", extra={"error_type": type(exc).__name__, "path": request.url.path})
    return problem_response(
        request,
        status=500,
        title="Internal error",
        slug="internal-error",
        detail="something went wrong on our side; the request changed nothing",
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(RequestValidationError, _on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(PeelianError, _on_peelian)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _on_unhandled)
