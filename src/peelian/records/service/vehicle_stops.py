"""Vehicle stops: create from an accepted submission, read with a purpose, list."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.records.models import VehicleStop
from peelian.records.repository import from_mobile as repo
from peelian.records.schemas import VehicleStopCreate
from peelian.records.service._from_mobile import add_audited, next_reference, read_audited

__all__ = ["create_vehicle_stop", "list_vehicle_stops", "read_vehicle_stop"]


def create_vehicle_stop(
    session: Session, *, actor: Actor, vehicle_stop_in: VehicleStopCreate
) -> VehicleStop:
    """Record a vehicle stop; a submission already recorded returns its record unchanged."""
    if vehicle_stop_in.submission_id is not None:
        found = repo.by_submission(session, VehicleStop, vehicle_stop_in.submission_id)
        if found is not None:
            return found
    record = VehicleStop(reference=next_reference(session, "VS"), **vehicle_stop_in.model_dump())
    return add_audited(
        session,
        record,
        actor=actor,
        record_type="vehicle_stop",
        detail={"submission_id": str(record.submission_id) if record.submission_id else None},
    )


def read_vehicle_stop(
    session: Session, *, actor: Actor, vehicle_stop_id: uuid.UUID, purpose: str
) -> VehicleStop:
    """A whole vehicle stop, for a stated purpose (audited)."""
    record = read_audited(
        session,
        VehicleStop,
        vehicle_stop_id,
        actor=actor,
        record_type="vehicle_stop",
        purpose=purpose,
        missing="no such vehicle stop",
    )
    return record


def list_vehicle_stops(
    session: Session,
    *,
    actor: Actor,
    vrm: str | None = None,
    outcome: str | None = None,
    team: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[VehicleStop], int]:
    """Vehicle stops, newest first (a registration is personal data: the search is audited)."""
    rows, total = repo.list_vehicle_stops(
        session, vrm=vrm, outcome=outcome, team=team, limit=limit, offset=offset
    )
    audit.record(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="vehicle_stop",
        detail={"vrm_given": vrm is not None, "returned": len(rows)},
    )
    return rows, total
