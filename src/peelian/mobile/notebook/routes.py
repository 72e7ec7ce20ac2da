"""JSON API for the officer's own notebook: entries in chain order and gaps."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from peelian.auth.dependencies import Principal, require
from peelian.auth.permissions import Permission
from peelian.mobile.notebook import service
from peelian.mobile.schemas import NotebookEntryRead
from peelian.web.deps import DbSession

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/mobile/notebook", tags=["mobile notebook"])
Writer = Annotated[Principal, Depends(require(Permission.NOTEBOOK_WRITE))]


@router.get("/entries")
def entries(
    principal: Writer,
    session: DbSession,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    """The caller's entries in chain order, with gaps in each device's numbering."""
    rows = service.list_entries(
        session, actor=principal.actor, officer_id=principal.user.id, start=start, end=end
    )
    gaps = service.find_gaps(rows) if start is None else []
    return {
        "entries": [NotebookEntryRead.model_validate(r).model_dump(mode="json") for r in rows],
        "gaps": [{"device_id": str(g.device_id), "missing": list(g.missing)} for g in gaps],
        "head": rows[-1].hash if rows else None,
    }
