"""Serve the officer web app: the shell at /app/, its manifest, service worker and files.

All are public: the shell holds no data (everything personal comes from the API with a token
and is kept encrypted on the device). The service worker's cache name carries a hash of every
file it caches, so a changed file installs a new worker and the old cache is deleted.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from peelian.core.errors import NotFound

__all__ = ["SHELL_ASSETS", "router"]

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent / "static"
GOVUK = Path(__file__).resolve().parents[2] / "web" / "static" / "govuk"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}
# What the service worker caches besides the app's own files: the vendored GOV.UK styles.
SHELL_ASSETS = (
    "/static/govuk/govuk-frontend.min.css",
    "/assets/fonts/bold-b542beb274-v2.woff2",
    "/assets/fonts/light-94a07e06a1-v2.woff2",
)


def _shell_asset(url: str) -> Path:
    """Where a shared GOV.UK asset lives (served by the /static and /assets mounts)."""
    if url.startswith("/assets/"):
        return GOVUK / "assets" / url.removeprefix("/assets/")
    return GOVUK / url.removeprefix("/static/govuk/")


@cache
def _files() -> tuple[tuple[str, ...], str]:
    """The app's cacheable URLs and a version hash over their bytes (computed once)."""
    names = sorted(
        p.relative_to(STATIC).as_posix()
        for p in STATIC.rglob("*")
        if p.is_file() and p.name not in ("sw.js", "index.html")
    )
    digest = hashlib.sha256()
    for name in ["index.html", "sw.js", *names]:
        digest.update(name.encode() + b"\0" + (STATIC / name).read_bytes())
    for url in SHELL_ASSETS:
        digest.update(url.encode() + b"\0" + _shell_asset(url).read_bytes())
    urls = ("/app/", "/app/manifest.webmanifest", *(f"/app/static/{n}" for n in names))
    return (*urls, *SHELL_ASSETS), digest.hexdigest()[:16]


@router.get("/app")
def app_root() -> Response:
    """Redirect to the app's scope."""
    return RedirectResponse("/app/", status_code=308)


@router.get("/app/")
def shell() -> Response:
    """The app shell (no data in it)."""
    return Response((STATIC / "index.html").read_bytes(), media_type=TYPES[".html"])


@router.get("/app/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest, so the app can be installed."""
    body = {
        "name": "Peelian officer app",
        "short_name": "Peelian",
        "id": "/app/",
        "start_url": "/app/",
        "scope": "/app/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b0c0c",
        "icons": [
            {"src": f"/app/static/icon-{n}.png", "sizes": f"{n}x{n}", "type": "image/png"}
            for n in (192, 512)
        ],
    }
    return Response(json.dumps(body), media_type="application/manifest+json")


@router.get("/app/sw.js")
def service_worker() -> Response:
    """The service worker, with its cache version and file list filled in."""
    urls, version = _files()
    text = (STATIC / "sw.js").read_text()
    text = text.replace("__VERSION__", version).replace("__ASSETS__", json.dumps(list(urls)))
    return Response(text, media_type=TYPES[".js"], headers={"Service-Worker-Allowed": "/app/"})


@router.get("/app/static/{name:path}")
def static_file(name: str) -> Response:
    """One of the app's files (only files inside the app's static folder)."""
    path = (STATIC / name).resolve()
    if not path.is_relative_to(STATIC) or not path.is_file() or path.suffix not in TYPES:
        raise NotFound("no such file")
    return Response(path.read_bytes(), media_type=TYPES[path.suffix])
