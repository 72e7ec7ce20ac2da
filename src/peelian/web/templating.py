"""Jinja2 set-up: one environment that finds the web layouts and every domain's templates."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

__all__ = ["environment", "render"]

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared Jinja2 environment (autoescaping on for HTML)."""
    dirs = [PACKAGE_ROOT / "web" / "templates"]
    dirs += sorted(p for p in PACKAGE_ROOT.glob("*/templates") if p != dirs[0])
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in dirs]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a template with the request and the signed-in user's page context."""
    page: dict[str, Any] = {"request": request}
    page.update(getattr(request.state, "page_context", {}) or {})
    page.update(context or {})
    html = environment().get_template(template).render(page)
    return HTMLResponse(html, status_code=status_code)
