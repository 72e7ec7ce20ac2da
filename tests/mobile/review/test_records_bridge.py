"""Accepted submissions become records through the records service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.core.audit import Actor
from peelian.mobile._records_bridge import record_for
from peelian.mobile.models import Submission, SubmissionStatus
from peelian.records.models import Incident

INCIDENT = {
    "occurred_at": "2026-11-29T08:15:00+00:00",
    "location": "12 High Street, Derby",
    "geo": "52.9225 -1.4746 60 5",
    "incident_type": "burglary",
    "priority": 2,
    "summary": "Rear window forced, television taken.",
    "people": [{"person_role": "victim", "person_description": "Householder, 60s"}],
}


def _submission(kind: str, data: dict[str, object], *, completed: datetime) -> Submission:
    return Submission(
        id=uuid.uuid4(),
        form_version_id=uuid.uuid4(),
        form_id=kind,
        kind=kind,
        officer_id=uuid.uuid4(),
        device_id=uuid.uuid4(),
        team="Response A",
        data=data,
        completed_at=completed,
        status=SubmissionStatus.ACCEPTED,
    )


class TestIncidentToRecord:
    def test_accepted_incident_report_becomes_a_records_incident(self, db_session: Session) -> None:
        sub = _submission("incident", INCIDENT, completed=datetime.now(UTC))
        ref = record_for(db_session, actor=Actor.system("test"), submission=sub)
        assert ref.startswith("incident:INC-")
        incident = db_session.scalars(
            select(Incident).where(Incident.reference == ref.removeprefix("incident:"))
        ).one()
        assert (incident.category, incident.grade.value, incident.team) == (
            "CRIME",
            "priority",
            "Response A",
        )
        assert incident.latitude == 52.9225
        assert "Householder, 60s" in incident.narrative

    def test_a_device_clock_in_the_future_is_clamped(self, db_session: Session) -> None:
        later = datetime.now(UTC) + timedelta(hours=2)
        data = {**INCIDENT, "occurred_at": later.isoformat()}
        sub = _submission("incident", data, completed=later)
        ref = record_for(db_session, actor=Actor.system("test"), submission=sub)
        incident = db_session.scalars(
            select(Incident).where(Incident.reference == ref.removeprefix("incident:"))
        ).one()
        assert incident.reported_at <= datetime.now(UTC)

    def test_generic_forms_keep_the_submission_reference(self, db_session: Session) -> None:
        sub = _submission("generic", {}, completed=datetime.now(UTC))
        assert record_for(db_session, actor=Actor.system("t"), submission=sub) == (
            f"mobile-submission:{sub.id}"
        )
