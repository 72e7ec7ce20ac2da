"""MG11 witness statements: the s.9 declaration the witness signed, bound to the signature.

At capture the device binds the declaration template's hash, the statement text and the signing
time into an envelope hash (`envelope_sha256`). When the statement becomes a record the service
re-checks that envelope, renders the exact declaration text the witness saw (the template with
the page count filled in), hashes it, and binds that hash, the envelope and the content hash of
the signature image into `binding_sha256`. `verify` repeats every check from the stored record.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import FieldError, InvalidInput
from peelian.core.storage import BlobIntegrityError, BlobNotFound, BlobStore
from peelian.core.storage.base import hash_stream
from peelian.core.time import utcnow
from peelian.records.codes import IncidentGrade, IncidentRole
from peelian.records.models import Incident, Person, WitnessStatement
from peelian.records.repository import from_mobile as repo
from peelian.records.repository import incidents as incident_repo
from peelian.records.schemas import IncidentCreate, IncidentLinkIn, StatementCreate
from peelian.records.service import incidents
from peelian.records.service._from_mobile import (
    add_audited,
    next_reference,
    person_for,
    read_audited,
)

__all__ = [
    "StatementView",
    "binding_sha256",
    "create_statement",
    "declaration_text",
    "envelope_sha256",
    "list_statements",
    "read_statement",
    "sha256_text",
    "verify",
]


def sha256_text(text: str) -> str:
    """Hex SHA-256 of the UTF-8 text."""
    return hashlib.sha256(text.encode()).hexdigest()


def declaration_text(template: str, page_count: int) -> str:
    """The exact declaration the witness signs: the template with the page count filled in."""
    return template.replace("{page_count}", str(page_count))


def envelope_sha256(
    declaration_sha256: str, page_count: int | str, statement: str, signed_at: str
) -> str:
    """The hash the witness's signature is bound to on the device: the declaration template,
    the page count the declaration states, the statement text and the signing time (v2)."""
    return sha256_text(
        f"peelian-mg11-envelope:v2:{declaration_sha256}:{page_count}:{signed_at}:{statement}"
    )


def _envelope_v1(declaration_sha256: str, statement: str, signed_at: str) -> str:
    """The first envelope, without the page count: still verifies statements stored under it."""
    return sha256_text(f"peelian-mg11-envelope:v1:{declaration_sha256}:{signed_at}:{statement}")


def binding_sha256(
    declaration_sha256: str, envelope: str, signature_sha256: str, reader_sha256: str | None
) -> str:
    """The record's seal: exact declaration text, envelope and signature image(s) together."""
    text = (
        f"peelian-mg11-binding:v1:{declaration_sha256}:{envelope}:{signature_sha256}:"
        f"{reader_sha256 or ''}"
    )
    return sha256_text(text)


@dataclass
class StatementView:
    """A statement and what re-verifying it found (empty when intact)."""

    statement: WitnessStatement
    problems: list[str] = field(default_factory=list)


def _signature_problems(statement: WitnessStatement, store: BlobStore) -> list[str]:
    problems = []
    for label, sha in (
        ("witness's", statement.signature_sha256),
        ("reader's", statement.reader_signature_sha256),
    ):
        if sha is None:
            continue
        try:
            with store.open(sha) as fp:
                hash_stream(fp, expected_sha256=sha)
        except BlobNotFound:
            problems.append(f"the {label} signature image is missing from storage")
        except BlobIntegrityError:
            problems.append(f"the {label} signature image in storage has changed")
    return problems


def verify(statement: WitnessStatement, store: BlobStore | None = None) -> list[str]:
    """Every check of a stored statement's seal, as problems (empty when intact); with a blob
    store, the signature images are re-hashed too."""
    problems = _signature_problems(statement, store) if store is not None else []
    if sha256_text(statement.declaration_text) != statement.declaration_sha256:
        problems.append("the declaration text does not match its hash")
    if f"consisting of {statement.page_count} page(s)" not in statement.declaration_text:
        problems.append("the declaration does not state the statement's page count")
    envelope = envelope_sha256(
        statement.declaration_template_sha256,
        statement.page_count,
        statement.statement,
        statement.signed_at_text,
    )
    legacy = _envelope_v1(
        statement.declaration_template_sha256, statement.statement, statement.signed_at_text
    )
    if statement.envelope_sha256 not in (envelope, legacy):
        problems.append(
            "the statement text, page count or signing time no longer matches the envelope"
        )
    binding = binding_sha256(
        statement.declaration_sha256,
        statement.envelope_sha256,
        statement.signature_sha256,
        statement.reader_signature_sha256,
    )
    if binding != statement.binding_sha256:
        problems.append("the declaration, envelope and signature are no longer bound together")
    return problems


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(f"/{field_name}", message)])


def _named_incident(session: Session, statement_in: StatementCreate) -> Incident | None:
    if not statement_in.incident_reference:
        return None
    found = repo.incident_by_reference(session, statement_in.incident_reference)
    if found is None:
        raise _invalid(
            "incident_reference", f"no incident has the reference {statement_in.incident_reference}"
        )
    return found


def _new_incident(
    session: Session, actor: Actor, statement_in: StatementCreate, reference: str
) -> Incident:
    return incidents.create_incident(
        session,
        actor=actor,
        team=statement_in.team,
        incident_in=IncidentCreate(
            category="ADMIN",
            grade=IncidentGrade.SCHEDULED,
            reported_at=min(statement_in.signed_at, utcnow()),
            narrative=f"Opened for witness statement {reference} (no incident was named).",
        ),
    )


def _witness(
    session: Session, actor: Actor, statement_in: StatementCreate, incident: Incident
) -> Person | None:
    """The witness as a person, linked to the incident as a witness (once)."""
    words = statement_in.witness_name.split()
    if len(words) < 2:
        return None
    dob = statement_in.witness.date_of_birth
    person = person_for(session, actor=actor, given=" ".join(words[:-1]), family=words[-1], dob=dob)
    if not incident_repo.link_exists(session, incident.id, person.id, IncidentRole.WITNESS):
        incidents.link_person(
            session,
            actor=actor,
            incident_id=incident.id,
            link_in=IncidentLinkIn(person_id=person.id, role=IncidentRole.WITNESS),
        )
    return person


def create_statement(
    session: Session, *, actor: Actor, statement_in: StatementCreate
) -> WitnessStatement:
    """Record a signed MG11; refused unless its declaration, text and signature are bound."""
    if statement_in.submission_id is not None:
        found = repo.by_submission(session, WitnessStatement, statement_in.submission_id)
        if found is not None:
            return found
    if sha256_text(statement_in.declaration_template) != statement_in.declaration_template_sha256:
        raise _invalid(
            "declaration_template_sha256",
            "the declaration the witness signed is not the published s.9 declaration text",
        )
    envelope = envelope_sha256(
        statement_in.declaration_template_sha256,
        statement_in.page_count,
        statement_in.statement,
        statement_in.signed_at_text,
    )
    if envelope != statement_in.envelope_sha256:
        raise _invalid(
            "envelope_sha256",
            "the signature envelope does not bind this declaration, page count, text and time",
        )
    text = declaration_text(statement_in.declaration_template, statement_in.page_count)
    named = _named_incident(session, statement_in)
    reference = next_reference(session, "MG11")
    incident = named or _new_incident(session, actor, statement_in, reference)
    witness = _witness(session, actor, statement_in, incident)
    data = statement_in.model_dump(
        exclude={"incident_reference", "declaration_template", "witness", "exhibits"}
    )
    record = WitnessStatement(
        reference=reference,
        incident_id=incident.id,
        declaration_text=text,
        declaration_sha256=sha256_text(text),
        binding_sha256=binding_sha256(
            sha256_text(text),
            envelope,
            statement_in.signature_sha256,
            statement_in.reader_signature_sha256,
        ),
        exhibits=[e.model_dump() for e in statement_in.exhibits],
        witness_details=statement_in.witness.model_dump(mode="json"),
        witness_person_id=witness.id if witness else None,
        **data,
    )
    return add_audited(
        session,
        record,
        actor=actor,
        record_type="witness_statement",
        detail={"incident_id": str(incident.id), "binding_sha256": record.binding_sha256},
    )


def read_statement(
    session: Session,
    *,
    actor: Actor,
    statement_id: uuid.UUID,
    purpose: str,
    store: BlobStore | None = None,
) -> StatementView:
    """A whole statement with the witness's details, for a stated purpose (audited)."""
    record = read_audited(
        session,
        WitnessStatement,
        statement_id,
        actor=actor,
        record_type="witness_statement",
        purpose=purpose,
        missing="no such witness statement",
    )
    return StatementView(record, verify(record, store))


def list_statements(
    session: Session,
    *,
    actor: Actor,
    incident_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[WitnessStatement], int]:
    """Statements, newest first, optionally of one incident (the search is audited)."""
    rows, total = repo.list_statements(session, incident_id=incident_id, limit=limit, offset=offset)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="witness_statement",
        detail={"incident_id": str(incident_id) if incident_id else None, "returned": len(rows)},
    )
    return rows, total
