"""Errors that travel to the edge and become RFC 9457 problem details (or a CLI one-liner)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "Conflict",
    "FieldError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "PeelianError",
    "PurposeRequired",
    "TooManyRequests",
    "Unauthorized",
]


@dataclass(frozen=True)
class FieldError:
    """One bad field: where it is (JSON pointer style) and what is wrong with it."""

    field: str
    message: str


@dataclass
class PeelianError(Exception):
    """Base of every error a caller should see, mapped to a problem+json response."""

    detail: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # When true the unit of work commits what the request did before failing (a failed sign-in
    # must still count towards lockout and be audited); otherwise it rolls everything back.
    keep_changes: bool = False

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    slug: ClassVar[str] = "bad-request"

    def __str__(self) -> str:
        return self.detail


class InvalidInput(PeelianError):
    """The input is well formed but breaks a rule."""

    status = 422
    title = "Invalid input"
    slug = "invalid-input"


class Unauthorized(PeelianError):
    """No valid credentials."""

    status = 401
    title = "Not signed in"
    slug = "unauthorized"


class Forbidden(PeelianError):
    """Signed in but not allowed."""

    status = 403
    title = "Forbidden"
    slug = "forbidden"


class PurposeRequired(PeelianError):
    """A read of sensitive personal data was asked for without a stated purpose (DPA 2018 s.62)."""

    status = 400
    title = "Purpose required"
    slug = "purpose-required"


class NotFound(PeelianError):
    """No such record (or not one the caller may know exists)."""

    status = 404
    title = "Not found"
    slug = "not-found"


class Conflict(PeelianError):
    """The request clashes with what is stored."""

    status = 409
    title = "Conflict"
    slug = "conflict"


class TooManyRequests(PeelianError):
    """Slow down: too many attempts."""

    status = 429
    title = "Too many attempts"
    slug = "too-many-requests"
