"""The records JSON API: people, person checks and incidents."""

from fastapi import APIRouter

from peelian.records.routes import incidents, people

__all__ = ["router"]

router = APIRouter()
router.include_router(people.router)
router.include_router(incidents.router)
