"""Back-office pages of the records domain: people, person checks, incidents, stop and search,
and witness statements."""

from fastapi import APIRouter

from peelian.records.pages import (
    flags,
    incidents,
    people,
    statements,
    stop_searches,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(people.router)
router.include_router(flags.router)
router.include_router(incidents.router)
router.include_router(stop_searches.router)
router.include_router(statements.router)
