"""The records JSON API: people, person checks, incidents, use of powers, statements and
missing-person reports."""

from fastapi import APIRouter

from peelian.records.routes import incidents, people, powers, reports

__all__ = ["router"]

router = APIRouter()
router.include_router(people.router)
router.include_router(incidents.router)
router.include_router(powers.router)
router.include_router(reports.router)
