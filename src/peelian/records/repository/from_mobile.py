"""Queries over the records made from mobile submissions, and their reference counters."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import Session

from peelian.records.models import (
    Incident,
    MissingPersonReport,
    Person,
    RecordCounter,
    StopSearch,
    VehicleStop,
    WitnessStatement,
)
from peelian.records.schemas import StopSearchQuery

__all__ = [
    "by_submission",
    "find_people_exactly",
    "get",
    "incident_by_reference",
    "list_missing_reports",
    "list_statements",
    "list_stop_searches",
    "list_vehicle_stops",
    "next_number",
    "stop_search_summary",
    "stop_searches_for_team",
]

M = TypeVar("M", StopSearch, WitnessStatement, MissingPersonReport, VehicleStop)


def next_number(session: Session, series: str) -> int:
    """Issue the next number of a reference series; the row update serialises issuers."""
    row = session.execute(
        update(RecordCounter)
        .where(RecordCounter.series == series)
        .values(last=RecordCounter.last + 1)
        .returning(RecordCounter.last)
    ).one_or_none()
    if row is not None:
        return int(row[0])
    session.add(RecordCounter(series=series, last=1))
    session.flush()
    return 1


def by_submission(session: Session, model: type[M], submission_id: uuid.UUID) -> M | None:
    """The record made from a submission, if any."""
    return session.scalars(select(model).where(model.submission_id == submission_id)).first()


def get(session: Session, model: type[M], record_id: uuid.UUID) -> M | None:
    """A record by id."""
    return session.get(model, record_id)


def incident_by_reference(session: Session, reference: str) -> Incident | None:
    """An incident by its INC- reference."""
    return session.scalars(select(Incident).where(Incident.reference == reference)).first()


def find_people_exactly(
    session: Session, given_names: str, family_name: str, born: date
) -> list[Person]:
    """Unmerged people with exactly these names (any case) and date of birth (at most 2)."""
    stmt = select(Person).where(
        func.lower(Person.given_names) == given_names.lower(),
        func.lower(Person.family_name) == family_name.lower(),
        Person.date_of_birth == born,
        Person.merged_into_id.is_(None),
    )
    return list(session.scalars(stmt.limit(2)))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _stop_search_filtered(stmt: Any, q: StopSearchQuery) -> Any:
    for column, value in (
        (StopSearch.officer_id, q.officer_id),
        (StopSearch.officer_user_id, q.officer_user_id),
        (StopSearch.outcome, q.outcome),
        (StopSearch.sde, q.sde),
        (StopSearch.power, q.power),
        (StopSearch.team, q.team),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if q.date_from is not None:
        stmt = stmt.where(StopSearch.searched_at >= _day_start(q.date_from))
    if q.date_to is not None:
        stmt = stmt.where(StopSearch.searched_at < _day_start(q.date_to + timedelta(days=1)))
    return stmt


def _page(session: Session, stmt: Select[Any], order: Any, limit: int, offset: int) -> Any:
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(*order).limit(limit).offset(offset))
    return list(rows), int(total)


def list_stop_searches(
    session: Session, q: StopSearchQuery, limit: int, offset: int
) -> tuple[list[StopSearch], int]:
    """Stop and search records matching the filters, newest first; with the total."""
    stmt = _stop_search_filtered(select(StopSearch), q)
    order = (StopSearch.searched_at.desc(), StopSearch.id.desc())
    result: tuple[list[StopSearch], int] = _page(session, stmt, order, limit, offset)
    return result


def stop_search_summary(
    session: Session, q: StopSearchQuery
) -> list[tuple[str, int, int, int, int]]:
    """(sde, searches, arrests, no further action, outcome linked to object) per SDE code."""
    stmt = select(
        StopSearch.sde,
        func.count(),
        func.sum(case((StopSearch.outcome == "arrest", 1), else_=0)),
        func.sum(case((StopSearch.outcome == "nfa", 1), else_=0)),
        func.sum(case((StopSearch.outcome_linked.is_(True), 1), else_=0)),
    ).group_by(StopSearch.sde)
    rows: list[Any] = list(session.execute(_stop_search_filtered(stmt, q)))
    return [(r[0], int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0)) for r in rows]


def stop_searches_for_team(session: Session, team: str) -> list[StopSearch]:
    """Every stop and search of one team, oldest first (for export)."""
    stmt = select(StopSearch).where(StopSearch.team == team).order_by(StopSearch.searched_at)
    return list(session.scalars(stmt))


def list_vehicle_stops(
    session: Session,
    *,
    vrm: str | None,
    outcome: str | None,
    team: str | None,
    limit: int,
    offset: int,
) -> tuple[list[VehicleStop], int]:
    """Vehicle stops, newest first, filtered; with the total."""
    stmt = select(VehicleStop)
    for column, value in (
        (VehicleStop.vrm, vrm),
        (VehicleStop.outcome, outcome),
        (VehicleStop.team, team),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    order = (VehicleStop.stopped_at.desc(), VehicleStop.id.desc())
    result: tuple[list[VehicleStop], int] = _page(session, stmt, order, limit, offset)
    return result


def list_statements(
    session: Session, *, incident_id: uuid.UUID | None, limit: int, offset: int
) -> tuple[list[WitnessStatement], int]:
    """Witness statements, newest first, optionally of one incident; with the total."""
    stmt = select(WitnessStatement)
    if incident_id is not None:
        stmt = stmt.where(WitnessStatement.incident_id == incident_id)
    order = (WitnessStatement.signed_at.desc(), WitnessStatement.id.desc())
    result: tuple[list[WitnessStatement], int] = _page(session, stmt, order, limit, offset)
    return result


def list_missing_reports(
    session: Session,
    *,
    risk_grade: str | None,
    person_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[MissingPersonReport], int]:
    """Missing-person reports, newest first, filtered; with the total."""
    stmt = select(MissingPersonReport)
    if risk_grade is not None:
        stmt = stmt.where(MissingPersonReport.risk_grade == risk_grade)
    if person_id is not None:
        stmt = stmt.where(MissingPersonReport.person_id == person_id)
    order = (MissingPersonReport.last_seen_at.desc(), MissingPersonReport.id.desc())
    result: tuple[list[MissingPersonReport], int] = _page(session, stmt, order, limit, offset)
    return result
