"""HTTP for the device client: bearer tokens, problem+json as ProblemError, lost replies."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx

__all__ = ["Api", "ProblemError", "TransportFailure"]


class TransportFailure(Exception):
    """The request may or may not have reached the server: send the same thing again."""


class ProblemError(Exception):
    """The server refused, with an RFC 9457 problem and what to do (`action`)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body
        self.type = str(body.get("type", "")).rsplit("/", 1)[-1]
        self.action = body.get("action")
        super().__init__(f"{status} {self.type}: {body.get('detail', '')}")


class Api:
    """A thin client over httpx2."""

    def __init__(self, base_url: str, *, timeout: float = 15.0, transport: Any = None) -> None:
        kwargs: dict[str, Any] = {"base_url": base_url, "timeout": timeout}
        if transport is not None:
            kwargs["transport"] = transport
        self.http = httpx.Client(**kwargs)
        self.token: str | None = None

    def close(self) -> None:
        """Close connections."""
        self.http.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> httpx.Response:
        """Send a request; raise ProblemError on 4xx/5xx, TransportFailure if the reply is lost."""
        sent = dict(headers or {})
        if auth and self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        try:
            res = self.http.request(method, path, json=json, content=content, headers=sent)
        except httpx.TransportError as exc:
            raise TransportFailure(f"{type(exc).__name__}: {exc}") from exc
        if res.status_code >= 400:
            try:
                body = res.json() if method != "HEAD" else {}
            except ValueError:
                body = {"detail": res.text[:200]}
            raise ProblemError(res.status_code, body if isinstance(body, dict) else {})
        return res
