"""Where accepted submissions become records: ONE function per form kind.

Each shipped form's fields are mapped onto a records schema and created through
`peelian.records.service`: incident reports become incidents, stop and search a Code A record,
MG11s a witness statement (linked to the named incident or a new one) with the s.9 declaration
bound to the signature image, missing-person reports a report plus a current `missing` flag on
the person, vehicle stops a vehicle-stop record. Each record remembers its submission, so
accepting one twice never makes two records. A submission that cannot be mapped raises
InvalidInput naming the field; the review service then leaves it un-accepted.
Forms of no known kind stay accepted submissions ("mobile-submission:<id>").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from peelian.core.audit import Actor
from peelian.core.errors import FieldError, InvalidInput
from peelian.core.time import as_utc, utcnow
from peelian.mobile import repository
from peelian.mobile.models import FormVersion, Submission
from peelian.records.codes import IncidentGrade
from peelian.records.schemas import (
    IncidentCreate,
    MissingReportCreate,
    StatementCreate,
    StopSearchCreate,
    VehicleStopCreate,
)
from peelian.records.service import incidents, missing, statements, stop_searches, vehicle_stops

__all__ = ["BRIDGES", "record_for"]

S = TypeVar("S", bound=BaseModel)
S9_TEMPLATE = "mg11-s9-declaration"


def _pending(submission: Submission) -> str:
    return f"mobile-submission:{submission.id}"


def _mapped(schema: type[S], values: dict[str, Any], what: str) -> S:
    """The submission's values as a records schema; a mismatch is a clear InvalidInput."""
    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        errors = [
            FieldError(
                "/" + "/".join(str(p) for p in err.get("loc", ())),
                str(err.get("msg", "is not valid")).removeprefix("Value error, "),
            )
            for err in exc.errors()
        ]
        first = errors[0]
        where = f"{first.field.strip('/')}: " if first.field != "/" else ""
        raise InvalidInput(
            f"this {what} cannot become a record: {where}{first.message}; return it to the officer",
            errors=errors,
            extra={"action": "return"},
        ) from exc


def _origin(session: Session, submission: Submission) -> dict[str, Any]:
    version = session.get(FormVersion, submission.form_version_id)
    return {
        "submission_id": submission.id,
        "form_version": version.version if version is not None else None,
        "officer_user_id": submission.officer_id,
        "team": submission.team,
    }


def _yes(value: object) -> bool | None:
    return {"yes": True, "no": False}.get(str(value)) if value is not None else None


def _exact(value: object) -> datetime | None:
    """A device time as given (a signing time is kept exactly as the witness's envelope has it)."""
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# The officer's incident types, mapped onto the National Standard for Incident Recording.
INCIDENT_CATEGORIES = {
    "asb": "ASB-NUISANCE",
    "assault": "CRIME",
    "burglary": "CRIME",
    "theft": "CRIME",
    "rtc": "TRANSPORT-RTC",
    "concern": "PSW-CONCERN",
    "other": "ADMIN",
}
GRADES = {
    1: IncidentGrade.IMMEDIATE,
    2: IncidentGrade.PRIORITY,
    3: IncidentGrade.SCHEDULED,
    4: IncidentGrade.RESOLUTION_WITHOUT_DEPLOYMENT,
}


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # Device clocks drift: a time in the future is clamped to now rather than refused.
    return min(as_utc(parsed), utcnow())


def _geo(value: object) -> tuple[float | None, float | None]:
    parts = str(value or "").split()
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        return None, None
    return (lat, lon) if 49.0 <= lat <= 61.0 and -9.0 <= lon <= 2.5 else (None, None)


def incident_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted incident report → records: an incident (people stay in the narrative, since
    an officer's free-text description is not yet a matched person)."""
    data = submission.data
    lat, lon = _geo(data.get("geo"))
    people = [
        f"{p.get('person_role', 'other')}: {p.get('person_description', '')}"
        for p in data.get("people") or []
        if isinstance(p, dict)
    ]
    narrative = str(data.get("summary", ""))
    if people:
        narrative += "\n\nPeople involved (as described by the officer):\n" + "\n".join(people)
    priority = data.get("priority")
    incident = incidents.create_incident(
        session,
        actor=actor,
        team=submission.team,
        incident_in=IncidentCreate(
            category=INCIDENT_CATEGORIES.get(str(data.get("incident_type")), "ADMIN"),
            grade=GRADES.get(priority if isinstance(priority, int) else 3, IncidentGrade.SCHEDULED),
            reported_at=min(as_utc(submission.completed_at), utcnow()),
            occurred_from=_when(data.get("occurred_at")),
            address=str(data.get("location", ""))[:200] or None,
            latitude=lat,
            longitude=lon,
            narrative=narrative[:20000],
        ),
    )
    return f"incident:{incident.reference}"


def stop_search_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted stop and search → records: a stop-search record (Code A para 4.3 fields)."""
    data = submission.data
    lat, lon = _geo(data.get("geo"))
    items = [
        i.get("item_description") for i in data.get("items_found") or [] if isinstance(i, dict)
    ]
    values = {
        **_origin(session, submission),
        "searched_at": _when(data.get("search_datetime")),
        "latitude": lat,
        "longitude": lon,
        "outcome_linked": _yes(data.get("outcome_linked")),
        "items_found": items,
        "injury": _yes(data.get("injury")),
        "bwv_used": _yes(data.get("bwv_used")),
        "receipt": data.get("receipt_offered"),
        **{
            k: data.get(k)
            for k in (
                "location",
                "search_type",
                "vrm",
                "power",
                "authorisation",
                "grounds",
                "object_of_search",
                "sde",
                "perceived_ethnicity",
                "officer_id",
                "outcome",
                "injury_details",
                "person_name",
                "person_dob",
            )
        },
    }
    record = stop_searches.create_stop_search(
        session,
        actor=actor,
        stop_search_in=_mapped(StopSearchCreate, values, "stop and search"),
    )
    return f"stop_search:{record.reference}"


def _s9_template(session: Session, submission: Submission) -> dict[str, Any]:
    version = session.get(FormVersion, submission.form_version_id)
    templates = version.schema.get("templates", []) if version is not None else []
    found = next((t for t in templates if t.get("name") == S9_TEMPLATE), None)
    if found is None:
        raise InvalidInput(
            "this MG11 cannot become a record: its form version carries no s.9 declaration",
            extra={"action": "return"},
        )
    return dict(found)


def _signature_sha(session: Session, submission: Submission, name: object) -> str | None:
    if not name:
        return None
    for att in repository.attachments_of(session, submission_ids=[submission.id]):
        if att.name == name and att.received_at is not None:
            return att.sha256
    message = f"this MG11 cannot become a record: the signature {name} has not arrived"
    raise InvalidInput(message, errors=[FieldError("/signature", message)])


def _witness(data: dict[str, Any]) -> dict[str, Any]:
    yes = {k: _yes(data.get(k)) for k in ("special_measures", "vps_offered", "consent_share",
                                          "willing_to_attend")}  # fmt: skip
    return {
        "contact_address": data.get("contact_address"),
        "contact_phone": data.get("contact_phone"),
        "preferred_contact": data.get("preferred_contact"),
        "date_of_birth": data.get("witness_dob"),
        "sde": data.get("witness_sde"),
        "dates_to_avoid": data.get("dates_to_avoid"),
        **yes,
    }


def mg11_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted MG11 → records: a witness statement, linked to the named incident or a new one,
    with the exact s.9 declaration it was signed under bound to the signature image."""
    data = submission.data
    template = _s9_template(session, submission)
    reader = data.get("reader_needed") == "yes"
    exhibits = [
        {"reference": e.get("exhibit_ref"), "description": e.get("exhibit_description")}
        for e in data.get("exhibits") or []
        if isinstance(e, dict)
    ]
    values = {
        **_origin(session, submission),
        "incident_reference": data.get("incident_ref") or None,
        "exhibits": exhibits,
        "declaration_name": template.get("name"),
        "declaration_version": template.get("version"),
        "declaration_template": template.get("text"),
        "declaration_template_sha256": data.get("declaration_sha256"),
        "signed_at": _exact(data.get("signed_at")),
        "signed_at_text": data.get("signed_at"),
        "signature_sha256": _signature_sha(session, submission, data.get("witness_signature")),
        "reader_name": data.get("reader_name") if reader else None,
        "reader_signature_sha256": (
            _signature_sha(session, submission, data.get("reader_signature")) if reader else None
        ),
        "witness": _witness(data),
        **{
            k: data.get(k)
            for k in (
                "urn",
                "witness_name",
                "age_band",
                "age",
                "occupation",
                "page_count",
                "statement",
                "envelope_sha256",
                "taken_by",
            )
        },
    }
    record = statements.create_statement(
        session, actor=actor, statement_in=_mapped(StatementCreate, values, "MG11")
    )
    return f"witness_statement:{record.reference}"


def missing_person_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted missing person report → records: the report, and a current `missing` flag on
    the person (linked on an exact name and birth date, otherwise created)."""
    data = submission.data
    risks = [
        {
            "item": r.get("risk_item"),
            "value": r.get("risk_answer"),
            "details": r.get("risk_details"),
            "source": r.get("risk_source"),
            "obtained_at": r.get("risk_obtained_at"),
        }
        for r in data.get("risks") or []
        if isinstance(r, dict)
    ]
    values = {
        **_origin(session, submission),
        "last_seen_at": _when(data.get("last_seen_at")),
        "risks": risks,
        **{
            k: data.get(k)
            for k in (
                "person_name",
                "person_dob",
                "last_seen_location",
                "description",
                "reported_by",
                "previous_episodes",
                "risk_grade",
            )
        },
    }
    record = missing.create_missing_report(
        session,
        actor=actor,
        report_in=_mapped(MissingReportCreate, values, "missing person report"),
    )
    return f"missing_person_report:{record.reference}"


def vehicle_stop_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Accepted vehicle stop → records: a vehicle-stop record (RTA 1988 s.163)."""
    data = submission.data
    values = {
        **_origin(session, submission),
        "stopped_at": _when(data.get("stop_datetime")),
        "defects": data.get("defects") or [],
        "documents_produced": _yes(data.get("documents_produced")),
        **{
            k: data.get(k)
            for k in (
                "vrm",
                "make_model",
                "location",
                "reason",
                "speed_mph",
                "released_at",
                "driver_name",
                "outcome",
                "outcome_reference",
            )
        },
    }
    record = vehicle_stops.create_vehicle_stop(
        session, actor=actor, vehicle_stop_in=_mapped(VehicleStopCreate, values, "vehicle stop")
    )
    return f"vehicle_stop:{record.reference}"


def generic_to_record(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Any other form: kept as an accepted submission only."""
    return _pending(submission)


BRIDGES: dict[str, Callable[..., str]] = {
    "stop_search": stop_search_to_record,
    "mg11": mg11_to_record,
    "incident": incident_to_record,
    "missing_person": missing_person_to_record,
    "vehicle_stop": vehicle_stop_to_record,
    "generic": generic_to_record,
}


def record_for(session: Session, *, actor: Actor, submission: Submission) -> str:
    """Turn an accepted submission into a record; returns the record reference.

    A submission that already has a record keeps it (the records also refuse a second record
    for one submission id).
    """
    if submission.record_ref:
        return submission.record_ref
    return BRIDGES.get(submission.kind, generic_to_record)(
        session, actor=actor, submission=submission
    )
