"""What the services of records made from mobile submissions share: references, idempotency."""

from __future__ import annotations

from sqlalchemy.orm import Session

from peelian.core.time import utcnow
from peelian.records.repository import from_mobile as repo

__all__ = ["next_reference"]


def next_reference(session: Session, prefix: str) -> str:
    """The next reference of the day in a series: PREFIX-YYYYMMDD-NNNNNN."""
    day = utcnow().strftime("%Y%m%d")
    number = repo.next_number(session, f"{prefix}-{day}")
    return f"{prefix}-{day}-{number:06d}"
