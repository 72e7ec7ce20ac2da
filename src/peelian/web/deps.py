"""FastAPI dependencies every router uses: app state and the request's unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from peelian.core.errors import PeelianError
from peelian.web.state import AppState

__all__ = ["DbSession", "State", "get_session", "get_state", "request_id"]


def get_state(request: Request) -> AppState:
    """The app's state object."""
    state: AppState = request.app.state.peelian
    return state


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed at the edge before the response is sent.

    A PeelianError marked keep_changes (a failed sign-in that must still count) commits what was
    done before it was raised; every other exception rolls back.
    """
    session = get_state(request).db.sessionmaker()
    try:
        yield session
        session.commit()
    except PeelianError as exc:
        if exc.keep_changes:
            session.commit()
        else:
            session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def request_id(request: Request) -> str | None:
    """The id the request-id middleware gave this request."""
    value: str | None = getattr(request.state, "request_id", None)
    return value


State = Annotated[AppState, Depends(get_state)]
DbSession = Annotated[Session, Depends(get_session, scope="function")]
