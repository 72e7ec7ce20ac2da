"""Back-office pages of the records domain: people, person checks, incidents, stop and search,
vehicle stops, witness statements and missing-person reports."""

from fastapi import APIRouter

from peelian.records.pages import (
    flags,
    incidents,
    missing,
    people,
    statements,
    stop_searches,
    vehicle_stops,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(people.router)
router.include_router(flags.router)
router.include_router(incidents.router)
router.include_router(stop_searches.router)
router.include_router(vehicle_stops.router)
router.include_router(statements.router)
router.include_router(missing.router)
