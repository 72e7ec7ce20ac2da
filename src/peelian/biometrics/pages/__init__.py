"""Staff pages of the biometrics domain: the officer's search and the examiner's review queue."""

from fastapi import APIRouter

from peelian.biometrics.pages import review, search
from peelian.biometrics.pages.search import SEARCH_PATH

__all__ = ["SEARCH_PATH", "router"]

router = APIRouter(include_in_schema=False)
router.include_router(search.router)
router.include_router(review.router)
