"""create_app(): settings, database, middleware, routers and error handlers in one place."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from peelian import __version__
from peelian.accountability import pages as accountability_pages
from peelian.accountability import routes as accountability_routes
from peelian.accountability import tasks as accountability_tasks
from peelian.auth import pages as auth_pages
from peelian.auth import routes as auth_routes
from peelian.biometrics import pages as biometrics_pages
from peelian.biometrics.routes import enrolment as biometrics_enrolment_routes
from peelian.biometrics.routes import review as biometrics_review_routes
from peelian.biometrics.routes import search as biometrics_search_routes
from peelian.biometrics.service import gallery as biometrics_gallery
from peelian.config import Settings, get_settings
from peelian.core.audit import AuditSigner
from peelian.core.db import create_database
from peelian.core.storage import open_blob_store
from peelian.mobile.app import routes as mobile_app_routes
from peelian.mobile.forms import routes as mobile_forms_routes
from peelian.mobile.notebook import routes as mobile_notebook_routes
from peelian.mobile.review import pages as mobile_review_pages
from peelian.mobile.review import routes as mobile_review_routes
from peelian.mobile.sync import routes as mobile_sync_routes
from peelian.mobile.sync import upload_routes as mobile_upload_routes
from peelian.records import pages as records_pages
from peelian.records import routes as records_routes
from peelian.web.middleware import (
    BodyLimit,
    BodyLimitMiddleware,
    ObservabilityMiddleware,
    SecurityHeadersMiddleware,
    json_log_formatter,
    metrics_registry,
)
from peelian.web.problems import install_problem_handlers
from peelian.web.state import AppState, set_current_state
from peelian.web.templating import render
from peelian.worker import configure_queue, make_huey

__all__ = ["build_state", "configure_logging", "create_app"]

# Importing a domain's tasks module declares its jobs before the queue is configured.
TASK_MODULES = (accountability_tasks,)
MOBILE_ROUTERS = (
    mobile_sync_routes,
    mobile_upload_routes,
    mobile_forms_routes,
    mobile_notebook_routes,
    mobile_review_routes,
    mobile_review_pages,
    mobile_app_routes,
)
STATIC = Path(__file__).resolve().parent / "web" / "static"


def configure_logging(level: str = "INFO") -> None:
    """One JSON object per log line on stderr, with request ids."""
    handler = logging.StreamHandler()
    handler.setFormatter(json_log_formatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def build_state(settings: Settings) -> AppState:
    """Build the objects the app and the CLI share."""
    db = create_database(settings.sqlalchemy_url)
    if settings.audit_signing_key is not None:
        signer = AuditSigner.from_seed(settings.audit_signing_key.get_secret_value())
    else:
        signer = AuditSigner.from_file(settings.var_dir / "audit_signing.key")
    token_key = hashlib.sha256(
        b"peelian-tokens:" + settings.secret_key.get_secret_value().encode()
    ).digest()
    huey = make_huey(
        redis_url=settings.redis_url,
        sqlite_path=settings.queue_path,
        immediate=settings.huey_immediate,
    )
    configure_queue(huey)
    return AppState(
        settings=settings,
        db=db,
        signer=signer,
        token_key=token_key,
        blob_store=open_blob_store(settings.storage_url),
        huey=huey,
    )


def _body_limits(settings: Settings) -> tuple[BodyLimit, ...]:
    """Caps sized for the paths that carry fingerprint images (the default fits the rest)."""
    enrol, searches = settings.bio_enrol_max_bytes, settings.bio_search_max_bytes
    return (
        BodyLimit(biometrics_enrolment_routes.router.prefix, enrol, "fingerprint enrolments"),
        BodyLimit(biometrics_search_routes.router.prefix, searches, "fingerprint searches"),
        BodyLimit(biometrics_pages.SEARCH_PATH, searches, "fingerprint searches"),
        BodyLimit(biometrics_pages.ENROL_PATH, enrol, "fingerprint enrolments"),
    )


def create_app(settings: Settings | None = None, *, state: AppState | None = None) -> FastAPI:
    """The Peelian web application."""
    settings = settings or (state.settings if state else get_settings())
    state = state or build_state(settings)
    app = FastAPI(
        title="Peelian",
        version=__version__,
        docs_url="/docs",
        redoc_url=None,
        description="Connected frontline policing: API. Every error is RFC 9457 problem+json.",
    )
    app.state.peelian = state
    set_current_state(state)
    install_problem_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_body_bytes, limits=_body_limits(settings)
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.cookie_secure)
    app.add_middleware(ObservabilityMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/assets", StaticFiles(directory=STATIC / "govuk" / "assets"), name="govuk-assets")
    for module in (
        auth_routes,
        auth_pages,
        accountability_routes,
        accountability_pages,
        records_routes,
        records_pages,
        biometrics_enrolment_routes,
        biometrics_search_routes,
        biometrics_review_routes,
        biometrics_pages,
    ):
        app.include_router(module.router)
    for module in MOBILE_ROUTERS:
        app.include_router(module.router)
    _add_platform_routes(app)
    if settings.env != "test":
        # Tests share one connection with the app, so there the gallery loads on first search.
        biometrics_gallery.start_loading(state)
    return app


def _add_platform_routes(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        return render(request, "home.html", {"force_name": "Peelian Demo Constabulary"})

    @app.get("/healthz", tags=["platform"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["platform"])
    def readyz(request: Request) -> Response:
        """Readiness: the database answers and is migrated."""
        state: AppState = request.app.state.peelian
        checks: dict[str, Any] = {}
        try:
            with state.db.sessionmaker() as session:
                session.execute(text("SELECT 1 FROM audit_chain_head"))
            checks["database"] = "ok"
        except Exception as exc:  # readiness must report, not raise
            checks["database"] = f"unavailable: {type(exc).__name__}"
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(metrics_registry), media_type=CONTENT_TYPE_LATEST)
