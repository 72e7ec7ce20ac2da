"""Pure ASGI middleware: request ids, access log and metrics, security headers, body size cap."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "BodyLimit",
    "BodyLimitMiddleware",
    "ObservabilityMiddleware",
    "SecurityHeadersMiddleware",
    "metrics_registry",
]

access_log = logging.getLogger("peelian.access")
metrics_registry = CollectorRegistry()
REQUESTS = Counter(
    "peelian_http_requests_total",
    "HTTP requests",
    ["method", "route", "status"],
    registry=metrics_registry,
)
LATENCY = Histogram(
    "peelian_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    registry=metrics_registry,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
_RID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(self)"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


class ObservabilityMiddleware:
    """Give each request an id, log it as one JSON line (no bodies, no query strings), count it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = (_header(scope, b"x-request-id") or b"").decode("latin-1")
        rid = given if _RID.match(given) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = rid
        start = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            REQUESTS.labels(scope["method"], template, str(status["code"])).inc()
            LATENCY.labels(scope["method"], template).observe(elapsed)
            access_log.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": scope["method"],
                    "route": template,
                    "status": status["code"],
                    "ms": round(elapsed * 1000, 2),
                },
            )


class SecurityHeadersMiddleware:
    """Add security headers to every response; a strict CSP except on the API docs page."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in ("/docs", "/redoc")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.extend(SECURITY_HEADERS)
                if not docs:
                    headers.append((b"content-security-policy", CSP.encode()))
                if self.hsts:
                    headers.append(
                        (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
                    )
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _mib(n: int) -> str:
    return f"{n / 1_048_576:g} MiB" if n >= 1_048_576 else f"{n / 1024:g} KiB"


def _limit_detail(limit: int, what: str | None) -> str:
    where = f" for {what}" if what else ""
    return f"the request body is over the {limit}-byte ({_mib(limit)}) limit{where}"


def _too_large(limit: int, path: str, what: str | None) -> list[Message]:
    body = json.dumps(
        {
            "type": "https://peelian.dev/problems/request-body-too-large",
            "title": "Request body too large",
            "status": 413,
            "detail": _limit_detail(limit, what),
            "instance": path,
        }
    ).encode()
    return [
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        },
        {"type": "http.response.body", "body": body},
    ]


@dataclass(frozen=True)
class BodyLimit:
    """A body size cap for the paths under `prefix` (what they carry, for the 413 message)."""

    prefix: str
    max_bytes: int
    what: str


class BodyLimitMiddleware:
    """Refuse bodies over the cap, by Content-Length up front or by counting a streamed body.

    `limits` give paths whose payloads are larger by nature (fingerprint images) a cap of their
    own; the longest matching prefix wins, every other path gets `max_bytes`.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        exempt_prefixes: tuple[str, ...] = (),
        limits: tuple[BodyLimit, ...] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt_prefixes
        self.limits = tuple(sorted(limits, key=lambda lim: -len(lim.prefix)))

    def _limit_for(self, path: str) -> tuple[int, str | None]:
        for lim in self.limits:
            if path.startswith(lim.prefix):
                return lim.max_bytes, lim.what
        return self.max_bytes, None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        max_bytes, what = self._limit_for(scope["path"])
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            for message in _too_large(max_bytes, scope["path"], what):
                await send(message)
            return
        seen = {"bytes": 0}

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > max_bytes:
                    # FastAPI re-raises HTTPExceptions met while reading a body, so the problem
                    # handler answers 413; anything else that reads the body gets it from below.
                    raise StarletteHTTPException(413, detail=_limit_detail(max_bytes, what))
            return message

        started = {"value": False}

        async def tracking_send(message: Message) -> None:
            started["value"] = started["value"] or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except StarletteHTTPException as exc:
            if exc.status_code != 413 or started["value"]:
                raise
            for message in _too_large(max_bytes, scope["path"], what):
                await send(message)


def json_log_formatter() -> logging.Formatter:
    """A formatter that writes one JSON object per record with the extra fields we set."""
    return _JsonFormatter()


_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        return json.dumps(payload, default=str)
