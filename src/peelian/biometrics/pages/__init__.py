"""Staff pages of the biometrics domain: the officer's search, the examiner's review queue and
ten-print enrolment."""

from fastapi import APIRouter

from peelian.biometrics.pages import enrolment, review, search
from peelian.biometrics.pages.enrolment import ENROL_PATH
from peelian.biometrics.pages.search import SEARCH_PATH

__all__ = ["ENROL_PATH", "SEARCH_PATH", "router"]

router = APIRouter(include_in_schema=False)
router.include_router(search.router)
router.include_router(review.router)
router.include_router(enrolment.router)
