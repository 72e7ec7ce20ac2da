"""Missing-person reports: link or create the person and set a current `missing` flag."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import FieldError, InvalidInput
from peelian.core.time import utcnow
from peelian.records.codes import MISSING_RISK_GRADES, FlagKind
from peelian.records.models import MissingPersonReport, Person
from peelian.records.repository import from_mobile as repo
from peelian.records.schemas import FlagCreate, MissingReportCreate
from peelian.records.service import flags, people
from peelian.records.service._from_mobile import (
    add_audited,
    next_reference,
    person_for,
    read_audited,
)

__all__ = ["create_missing_report", "list_missing_reports", "read_missing_report", "split_name"]

# How soon the flag is reviewed, by risk grade (the APP asks for continual reassessment).
REVIEW_AFTER = {"high": 1, "medium": 1, "low": 3, "none": 7}


def split_name(name: str) -> tuple[str, str]:
    """(given names, family name) of a name as reported; the last word is the family name."""
    words = name.split()
    if len(words) < 2:
        message = "give the missing person's given and family names"
        raise InvalidInput(message, errors=[FieldError("/person_name", message)])
    return " ".join(words[:-1]), words[-1]


def _person_for(session: Session, actor: Actor, report_in: MissingReportCreate) -> Person:
    if report_in.person_id is not None:
        return people.get_person(session, report_in.person_id)
    given, family = split_name(report_in.person_name)
    return person_for(
        session,
        actor=actor,
        given=given,
        family=family,
        dob=report_in.person_dob,
        marks=report_in.description,
    )


def create_missing_report(
    session: Session, *, actor: Actor, report_in: MissingReportCreate
) -> MissingPersonReport:
    """Record a missing-person report; the person gets a current `missing` flag."""
    if report_in.submission_id is not None:
        found = repo.by_submission(session, MissingPersonReport, report_in.submission_id)
        if found is not None:
            return found
    reference = next_reference(session, "MPR")
    person = _person_for(session, actor, report_in)
    grade = MISSING_RISK_GRADES[report_in.risk_grade]
    flag = flags.add_flag(
        session,
        actor=actor,
        person_id=person.id,
        flag_in=FlagCreate(
            kind=FlagKind.MISSING,
            code=report_in.risk_grade,
            source=f"Missing person report {reference}",
            starts_at=min(report_in.last_seen_at, utcnow()),
            review_date=utcnow().date() + timedelta(days=REVIEW_AFTER[report_in.risk_grade]),
            action=(
                f"{grade} risk. Last seen {report_in.last_seen_at:%Y-%m-%d %H:%M} at "
                f"{report_in.last_seen_location}"
            )[:300],
        ),
    )
    record = MissingPersonReport(
        reference=reference,
        person_id=person.id,
        flag_id=flag.id,
        reported_name=report_in.person_name,
        risks=[r.model_dump(mode="json") for r in report_in.risks],
        **report_in.model_dump(exclude={"person_id", "person_name", "person_dob", "risks"}),
    )
    return add_audited(
        session,
        record,
        actor=actor,
        record_type="missing_person_report",
        detail={"person_id": str(person.id), "risk_grade": record.risk_grade},
    )


def read_missing_report(
    session: Session, *, actor: Actor, report_id: uuid.UUID, purpose: str
) -> MissingPersonReport:
    """A whole missing-person report, for a stated purpose (audited)."""
    record = read_audited(
        session,
        MissingPersonReport,
        report_id,
        actor=actor,
        record_type="missing_person_report",
        purpose=purpose,
        missing="no such missing-person report",
    )
    return record


def list_missing_reports(
    session: Session,
    *,
    actor: Actor,
    risk_grade: str | None = None,
    person_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[MissingPersonReport], int]:
    """Missing-person reports, newest first (no names; the search is audited)."""
    if risk_grade is not None and risk_grade not in MISSING_RISK_GRADES:
        message = f"risk_grade must be one of {', '.join(MISSING_RISK_GRADES)}"
        raise InvalidInput(message, errors=[FieldError("/risk_grade", message)])
    rows, total = repo.list_missing_reports(
        session, risk_grade=risk_grade, person_id=person_id, limit=limit, offset=offset
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="missing_person_report",
        detail={"risk_grade": risk_grade, "returned": len(rows)},
    )
    return rows, total
