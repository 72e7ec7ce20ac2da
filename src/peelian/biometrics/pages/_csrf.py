"""CSRF check for the biometrics pages' multipart forms (parsed in memory, not by FastAPI)."""

from __future__ import annotations

import hmac

from fastapi import Request

from peelian.auth.dependencies import SESSION_COOKIE, csrf_token_for
from peelian.biometrics.pages._multipart import MemoryForm
from peelian.core.errors import Forbidden
from peelian.web.deps import get_state

__all__ = ["check_csrf"]


def check_csrf(request: Request, form: MemoryForm) -> None:
    """The form's csrf_token (or X-CSRF-Token) must match the session cookie's."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if request.headers.get("authorization") or not cookie:
        return
    given = request.headers.get("x-csrf-token") or form.text("csrf_token")
    expected = csrf_token_for(get_state(request).token_key, cookie)
    if not given or not hmac.compare_digest(given, expected):
        raise Forbidden("the form has expired or did not come from this site; reload and try again")
