"""Back-office pages of the records domain: people, person checks, incidents and
stop and search."""

from fastapi import APIRouter

from peelian.records.pages import flags, incidents, people, stop_searches

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(people.router)
router.include_router(flags.router)
router.include_router(incidents.router)
router.include_router(stop_searches.router)
