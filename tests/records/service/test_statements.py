"""MG11 statements: the exact s.9 declaration, bound to the signature; tampering is detected."""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peelian.core.audit import Actor
from peelian.core.errors import InvalidInput
from peelian.core.storage import LocalBlobStore
from peelian.mobile.forms.legal import S9_DECLARATION
from peelian.records.codes import IncidentRole
from peelian.records.models import IncidentPerson, Person, WitnessStatement
from peelian.records.schemas import StatementCreate
from peelian.records.service import statements

SIGNED_AT = "2026-11-29T09:30:00+01:00"
TEXT = "I saw a man in a blue coat climb through the rear window of number 12 at about 9 pm."
SIG = "a" * 64
ACTOR = Actor.system("test")


def _statement_in(**overrides: Any) -> StatementCreate:
    values: dict[str, Any] = {
        "submission_id": uuid.uuid4(),
        "witness_name": "Jane Witness",
        "age_band": "over_18",
        "occupation": "Teacher",
        "page_count": 2,
        "statement": TEXT,
        "declaration_name": S9_DECLARATION.name,
        "declaration_version": S9_DECLARATION.version,
        "declaration_template": S9_DECLARATION.text,
        "declaration_template_sha256": S9_DECLARATION.sha256,
        "signed_at": datetime.fromisoformat(SIGNED_AT),
        "signed_at_text": SIGNED_AT,
        "envelope_sha256": statements.envelope_sha256(S9_DECLARATION.sha256, 2, TEXT, SIGNED_AT),
        "signature_sha256": SIG,
        "taken_by": "PC 1234",
        "witness": {
            "dates_to_avoid": "none",
            "special_measures": False,
            "consent_share": True,
            "willing_to_attend": True,
        },
    }
    values.update(overrides)
    return StatementCreate.model_validate(values)


def _count(db_session: Session) -> int:
    return int(db_session.scalar(select(func.count()).select_from(WitnessStatement)) or 0)


class TestWitnessAsPerson:
    def test_the_witness_becomes_a_person_linked_to_the_incident(self, db_session: Session) -> None:
        record = statements.create_statement(db_session, actor=ACTOR, statement_in=_statement_in())
        assert record.witness_person_id is not None
        person = db_session.get(Person, record.witness_person_id)
        assert person is not None
        assert (person.given_names, person.family_name) == ("Jane", "Witness")
        link = db_session.scalars(
            select(IncidentPerson).where(IncidentPerson.incident_id == record.incident_id)
        ).one()
        assert (link.person_id, link.role) == (person.id, IncidentRole.WITNESS)

    def test_a_known_person_with_the_same_birth_date_is_linked_not_copied(
        self, db_session: Session
    ) -> None:
        witness = {"dates_to_avoid": "none", "special_measures": False, "consent_share": True,
                   "willing_to_attend": True, "date_of_birth": "1980-04-02"}  # fmt: skip
        first = statements.create_statement(
            db_session, actor=ACTOR, statement_in=_statement_in(witness=witness)
        )
        second = statements.create_statement(
            db_session,
            actor=ACTOR,
            statement_in=_statement_in(submission_id=uuid.uuid4(), witness=witness),
        )
        assert first.witness_person_id == second.witness_person_id

    def test_without_a_birth_date_each_statement_makes_its_own_person(
        self, db_session: Session
    ) -> None:
        first = statements.create_statement(db_session, actor=ACTOR, statement_in=_statement_in())
        second = statements.create_statement(
            db_session, actor=ACTOR, statement_in=_statement_in(submission_id=uuid.uuid4())
        )
        assert first.witness_person_id != second.witness_person_id

    def test_a_single_name_records_the_statement_without_a_person(
        self, db_session: Session
    ) -> None:
        record = statements.create_statement(
            db_session, actor=ACTOR, statement_in=_statement_in(witness_name="Madonna")
        )
        assert record.witness_person_id is None
        assert statements.verify(record) == []


class TestCreateStatement:
    def test_stores_the_exact_declaration_with_the_page_count(self, db_session: Session) -> None:
        record = statements.create_statement(db_session, actor=ACTOR, statement_in=_statement_in())
        assert record.declaration_text.startswith(
            "This statement (consisting of 2 page(s) each signed by me) is true to the best of my"
        )
        assert record.declaration_text.endswith(
            "anything which I know to be false, or do not believe to be true."
        )
        assert record.declaration_sha256 == statements.sha256_text(record.declaration_text)
        assert statements.verify(record) == []

    def test_the_same_submission_never_makes_a_second_statement(self, db_session: Session) -> None:
        statement_in = _statement_in()
        first = statements.create_statement(db_session, actor=ACTOR, statement_in=statement_in)
        second = statements.create_statement(db_session, actor=ACTOR, statement_in=statement_in)
        assert first.id == second.id
        assert _count(db_session) == 1

    def test_a_declaration_other_than_the_published_text_is_refused(
        self, db_session: Session
    ) -> None:
        altered = S9_DECLARATION.text.replace("wilfully", "knowingly")
        with pytest.raises(InvalidInput, match=r"not the published s\.9 declaration"):
            statements.create_statement(
                db_session, actor=ACTOR, statement_in=_statement_in(declaration_template=altered)
            )
        assert _count(db_session) == 0

    def test_an_envelope_that_does_not_bind_the_text_is_refused(self, db_session: Session) -> None:
        with pytest.raises(InvalidInput, match="envelope") as caught:
            statements.create_statement(
                db_session, actor=ACTOR, statement_in=_statement_in(statement=TEXT + " Later.")
            )
        assert caught.value.errors[0].field == "/envelope_sha256"
        assert _count(db_session) == 0

    def test_a_page_count_other_than_the_witness_saw_is_refused(self, db_session: Session) -> None:
        with pytest.raises(InvalidInput, match="page count"):
            statements.create_statement(
                db_session, actor=ACTOR, statement_in=_statement_in(page_count=3)
            )
        assert _count(db_session) == 0

    def test_a_statement_stored_under_the_v1_envelope_still_verifies(
        self, db_session: Session
    ) -> None:
        record = statements.create_statement(db_session, actor=ACTOR, statement_in=_statement_in())
        v1 = statements.sha256_text(
            f"peelian-mg11-envelope:v1:{S9_DECLARATION.sha256}:{SIGNED_AT}:{TEXT}"
        )
        record.envelope_sha256 = v1
        record.binding_sha256 = statements.binding_sha256(
            record.declaration_sha256, v1, record.signature_sha256, None
        )
        assert statements.verify(record) == []
        record.statement = TEXT + " Added later."
        assert statements.verify(record) != []

    def test_an_unknown_incident_reference_is_refused(self, db_session: Session) -> None:
        with pytest.raises(InvalidInput, match="INC-20000101-000009"):
            statements.create_statement(
                db_session,
                actor=ACTOR,
                statement_in=_statement_in(incident_reference="INC-20000101-000009"),
            )
        assert _count(db_session) == 0


class TestVerify:
    def test_statement_text_changed_after_signing_is_detected(self, db_session: Session) -> None:
        record = statements.create_statement(db_session, actor=ACTOR, statement_in=_statement_in())
        record.statement = TEXT.replace("blue", "black")
        assert statements.verify(record) == [
            "the statement text, page count or signing time no longer matches the envelope"
        ]

    def test_page_count_changed_after_signing_is_detected(self, db_session: Session) -> None:
        record = statements.create_statement(db_session, actor=ACTOR, statement_in=_statement_in())
        record.page_count = 3
        assert statements.verify(record) == [
            "the declaration does not state the statement's page count",
            "the statement text, page count or signing time no longer matches the envelope",
        ]

    def test_a_swapped_signature_image_is_detected(self, db_session: Session) -> None:
        record = statements.create_statement(db_session, actor=ACTOR, statement_in=_statement_in())
        record.signature_sha256 = "b" * 64
        assert statements.verify(record) == [
            "the declaration, envelope and signature are no longer bound together"
        ]

    def test_an_edited_declaration_is_detected(self, db_session: Session) -> None:
        record = statements.create_statement(db_session, actor=ACTOR, statement_in=_statement_in())
        record.declaration_text = record.declaration_text.replace("wilfully ", "")
        assert "the declaration text does not match its hash" in statements.verify(record)


class TestVerifyAgainstStorage:
    def test_the_stored_signature_image_is_rehashed(
        self, db_session: Session, tmp_path: Path
    ) -> None:
        store = LocalBlobStore(tmp_path, fsync=False)
        image = b"\x89PNG" + bytes(range(256))
        ref = store.put(io.BytesIO(image))
        record = statements.create_statement(
            db_session, actor=ACTOR, statement_in=_statement_in(signature_sha256=ref.sha256)
        )
        assert statements.verify(record, store) == []
        record.signature_sha256 = "c" * 64
        problems = statements.verify(record, store)
        assert "the witness's signature image is missing from storage" in problems


class TestMobileAndRecordsAgree:
    def test_the_device_envelope_is_the_records_envelope(self) -> None:
        from peelian.mobile.forms.legal import envelope_sha256

        assert envelope_sha256("d" * 64, 3, TEXT, SIGNED_AT) == statements.envelope_sha256(
            "d" * 64, 3, TEXT, SIGNED_AT
        )
