"""Frontline time: records captured on mobile per team and form, and minutes each took from
form start to submission, against a paper baseline (the `paper_baselines` table, else defaults).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.core.audit import Actor, AuditAction
from peelian.core.audit import record as audit
from peelian.mobile.models import PaperBaseline, Submission

__all__ = ["DEFAULT_BASELINES", "FrontlineRow", "frontline_time", "set_baseline"]

# Placeholder paper times (minutes) until a force measures its own; replace via set_baseline.
# Order of magnitude from Hampshire EWS (~15 min saved per statement) and force estimates.
DEFAULT_BASELINES: dict[str, float] = {
    "stop_search": 20.0,
    "mg11": 45.0,
    "incident": 30.0,
    "missing_person": 40.0,
    "vehicle_stop": 15.0,
}


@dataclass(frozen=True)
class FrontlineRow:
    """One team × form line of the report."""

    team: str
    form_id: str
    captured: int
    timed: int
    median_minutes: float | None
    baseline_minutes: float | None
    saved_minutes: float | None


def set_baseline(
    session: Session, *, actor: Actor, form_id: str, minutes: float, source: str
) -> PaperBaseline:
    """Record how long a form takes on paper."""
    row = session.get(PaperBaseline, form_id)
    if row is None:
        row = PaperBaseline(form_id=form_id, minutes=minutes, source=source)
        session.add(row)
    else:
        row.minutes, row.source = minutes, source
    audit(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="paper_baseline",
        record_id=form_id,
    )
    session.flush()
    return row


def frontline_time(
    session: Session, *, actor: Actor, since: datetime | None = None
) -> list[FrontlineRow]:
    """Per team and form: count, median minutes from start to completion, minutes saved."""
    stmt = select(
        Submission.team, Submission.form_id, Submission.started_at, Submission.completed_at
    )
    if since is not None:
        stmt = stmt.where(Submission.completed_at >= since)
    baselines = dict(DEFAULT_BASELINES)
    baselines.update({b.form_id: b.minutes for b in session.scalars(select(PaperBaseline))})
    groups: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for team, form_id, started, completed in session.execute(stmt):
        minutes = (completed - started).total_seconds() / 60 if started else None
        groups[(team or "(no team)", form_id)].append(minutes)
    out = []
    for (team, form_id), values in sorted(groups.items()):
        timed = [v for v in values if v is not None and v >= 0]
        median = round(statistics.median(timed), 1) if timed else None
        base = baselines.get(form_id)
        saved = round((base - median) * len(timed), 1) if base is not None and median else None
        out.append(FrontlineRow(team, form_id, len(values), len(timed), median, base, saved))
    audit(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="frontline_time",
        detail={"rows": len(out)},
    )
    return out
