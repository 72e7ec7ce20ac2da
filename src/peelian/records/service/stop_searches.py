"""Stop and search records: create from an accepted submission, read, monitor, export."""

from __future__ import annotations

import csv
import io
import uuid

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import InvalidInput
from peelian.records.codes import ETHNICITY
from peelian.records.models import StopSearch
from peelian.records.repository import from_mobile as repo
from peelian.records.schemas import StopSearchCreate, StopSearchQuery, SummaryRow
from peelian.records.schemas.powers import CODE_SET
from peelian.records.service._from_mobile import add_audited, next_reference, read_audited

__all__ = [
    "EXPORT_COLUMNS",
    "create_stop_search",
    "export_team_csv",
    "list_stop_searches",
    "read_stop_search",
    "summary",
]

# No names or dates of birth: the export is for monitoring the use of the power.
EXPORT_COLUMNS = (
    "reference",
    "searched_at",
    "location",
    "search_type",
    "power",
    "object_of_search",
    "sde",
    "perceived_ethnicity",
    "officer_id",
    "outcome",
    "outcome_linked",
    "receipt",
    "team",
)


def _identified(session: Session, stop_search_in: StopSearchCreate) -> uuid.UUID | None:
    """The person held on record, when the name and birth date given match exactly one."""
    words = (stop_search_in.person_name or "").split()
    if len(words) < 2 or stop_search_in.person_dob is None:
        return None
    found = repo.find_people_exactly(
        session, " ".join(words[:-1]), words[-1], stop_search_in.person_dob
    )
    return found[0].id if len(found) == 1 else None


def create_stop_search(
    session: Session, *, actor: Actor, stop_search_in: StopSearchCreate
) -> StopSearch:
    """Record a stop and search; a submission already recorded returns its record unchanged."""
    if stop_search_in.submission_id is not None:
        found = repo.by_submission(session, StopSearch, stop_search_in.submission_id)
        if found is not None:
            return found
    values = stop_search_in.model_dump()
    values["person_id"] = values["person_id"] or _identified(session, stop_search_in)
    record = StopSearch(reference=next_reference(session, "SS"), code_set=CODE_SET, **values)
    return add_audited(
        session,
        record,
        actor=actor,
        record_type="stop_search",
        detail={"submission_id": str(record.submission_id) if record.submission_id else None},
    )


def read_stop_search(
    session: Session, *, actor: Actor, stop_search_id: uuid.UUID, purpose: str
) -> StopSearch:
    """A whole stop and search record, for a stated purpose (audited)."""
    record = read_audited(
        session,
        StopSearch,
        stop_search_id,
        actor=actor,
        record_type="stop_search",
        purpose=purpose,
        missing="no such stop and search record",
    )
    return record


def _check_query(query: StopSearchQuery) -> None:
    if query.date_from and query.date_to and query.date_to < query.date_from:
        raise InvalidInput("date_to must not be before date_from")
    if query.sde is not None and query.sde not in ETHNICITY:
        raise InvalidInput("sde must be a self-defined ethnicity code (W1 … O9, NS)")


def _filters(query: StopSearchQuery) -> dict[str, str]:
    return {k: str(v) for k, v in query.model_dump().items() if v is not None}


def list_stop_searches(
    session: Session, *, actor: Actor, query: StopSearchQuery, limit: int = 50, offset: int = 0
) -> tuple[list[StopSearch], int]:
    """Stop and search records matching the filters, newest first (the search is audited)."""
    _check_query(query)
    rows, total = repo.list_stop_searches(session, query, limit, offset)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="stop_search",
        detail={"filters": _filters(query), "returned": len(rows)},
    )
    return rows, total


def summary(session: Session, *, actor: Actor, query: StopSearchQuery) -> list[SummaryRow]:
    """Searches, arrests and finds per self-defined ethnicity: the disproportionality view."""
    _check_query(query)
    rows = repo.stop_search_summary(session, query)
    total = sum(r[1] for r in rows) or 1
    out = [
        SummaryRow(
            sde=sde,
            label=ETHNICITY.get(sde, sde),
            searches=n,
            arrests=arrests,
            no_further_action=nfa,
            outcome_linked=linked,
            share_of_searches=round(n / total, 4),
            arrest_rate=round(arrests / n, 4),
            find_rate=round(linked / n, 4),
        )
        for sde, n, arrests, nfa, linked in rows
    ]
    out.sort(key=lambda r: list(ETHNICITY).index(r.sde) if r.sde in ETHNICITY else 99)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="stop_search",
        detail={"filters": _filters(query), "summary": True},
    )
    return out


def export_team_csv(session: Session, *, actor: Actor, team: str | None) -> str:
    """The caller's own team's stop and search records as CSV (no names); audited."""
    if not team:
        raise InvalidInput("your account has no team, so there is nothing to export")
    rows = repo.stop_searches_for_team(session, team)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        values = [getattr(row, c) for c in EXPORT_COLUMNS]
        writer.writerow(["" if v is None else v for v in values])
    audit.record(
        session,
        actor=actor,
        action=AuditAction.EXPORT,
        record_type="stop_search",
        detail={"team": team, "rows": len(rows)},
    )
    return out.getvalue()
