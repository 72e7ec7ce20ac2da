"""Back-office pages of the records domain: people, person checks and incidents."""

from fastapi import APIRouter

from peelian.records.pages import flags, incidents, people

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(people.router)
router.include_router(flags.router)
router.include_router(incidents.router)
