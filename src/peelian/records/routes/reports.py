"""MG11 witness statements and missing-person reports: lists without names, whole records
with a stated purpose."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from peelian.auth.dependencies import Principal, Purpose, require
from peelian.auth.permissions import Permission
from peelian.records.schemas import (
    MissingReportItem,
    MissingReportPage,
    MissingReportRead,
    StatementItem,
    StatementPage,
    StatementRead,
)
from peelian.records.service import missing, statements
from peelian.web.deps import DbSession, State

__all__ = ["router"]

router = APIRouter(tags=["statements and missing persons"])
StatementReader = Annotated[Principal, Depends(require(Permission.STATEMENTS_READ))]
PeopleReader = Annotated[Principal, Depends(require(Permission.PEOPLE_READ))]


@router.get("/api/v1/statements", response_model=StatementPage)
def list_statements(
    session: DbSession,
    principal: StatementReader,
    incident_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> StatementPage:
    """Witness statements, newest first, optionally of one incident (no witness details)."""
    rows, total = statements.list_statements(
        session, actor=principal.actor, incident_id=incident_id, limit=limit, offset=offset
    )
    return StatementPage(total=total, items=[StatementItem.model_validate(r) for r in rows])


@router.get("/api/v1/statements/{statement_id}", response_model=StatementRead)
def read_statement(
    session: DbSession,
    state: State,
    principal: StatementReader,
    purpose: Purpose,
    statement_id: uuid.UUID,
) -> StatementRead:
    """A whole statement with the witness's details and its re-verified seal (needs a purpose)."""
    view = statements.read_statement(
        session,
        actor=principal.actor,
        statement_id=statement_id,
        purpose=purpose,
        store=state.blob_store,
    )
    data = {
        k: getattr(view.statement, k)
        for k in StatementRead.model_fields
        if hasattr(view.statement, k)
    }
    data.update(verified=not view.problems, problems=view.problems)
    return StatementRead.model_validate(data)


@router.get("/api/v1/missing-reports", response_model=MissingReportPage)
def list_missing_reports(
    session: DbSession,
    principal: PeopleReader,
    risk_grade: Annotated[str | None, Query(max_length=10)] = None,
    person_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> MissingReportPage:
    """Missing-person reports, newest first (no names)."""
    rows, total = missing.list_missing_reports(
        session, actor=principal.actor, risk_grade=risk_grade, person_id=person_id, limit=limit,
        offset=offset,
    )  # fmt: skip
    return MissingReportPage(total=total, items=[MissingReportItem.model_validate(r) for r in rows])


@router.get("/api/v1/missing-reports/{report_id}", response_model=MissingReportRead)
def read_missing_report(
    session: DbSession, principal: PeopleReader, purpose: Purpose, report_id: uuid.UUID
) -> MissingReportRead:
    """A whole missing-person report with its risk answers (needs a stated purpose)."""
    record = missing.read_missing_report(
        session, actor=principal.actor, report_id=report_id, purpose=purpose
    )
    return MissingReportRead.model_validate(record)
