"""Every shipped form end to end: pushed, accepted by a supervisor, then a record in records."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.core.audit import Actor
from peelian.core.audit.models import AuditEvent
from peelian.mobile._records_bridge import record_for
from peelian.mobile.forms.legal import S9_DECLARATION
from peelian.mobile.models import Submission
from peelian.records.models import (
    MissingPersonReport,
    StopSearch,
    VehicleStop,
    WitnessStatement,
)
from peelian.records.service.statements import binding_sha256, sha256_text
from tests.fixtures.auth import auth_header, make_user, token_for
from tests.fixtures.mobile import officer_device, publish_forms, sha
from tests.fixtures.records_from_mobile import (
    READER_SIGNATURE,
    SIGNATURE,
    accept,
    mg11_signed,
    missing_data,
    push,
    stop_search_data,
    supervisor,
    vehicle_stop_data,
)

R = TypeVar("R", StopSearch, WitnessStatement, MissingPersonReport, VehicleStop)
PURPOSE = "Supervisory review of the submission"
EXACT_S9 = (
    "This statement (consisting of 1 page(s) each signed by me) is true to the best of my "
    "knowledge and belief and I make it knowing that, if it is tendered in evidence, I shall be "
    "liable to prosecution if I have wilfully stated in it anything which I know to be false, "
    "or do not believe to be true."
)


def _accepted(
    client: TestClient,
    db_session: Session,
    kind: str,
    data: dict[str, Any],
    files: dict[str, bytes] | None = None,
) -> str:
    publish_forms(db_session)
    dev = officer_device(db_session)
    sid = push(client, dev, kind, data, files)
    res = accept(client, supervisor(client, db_session), sid)
    assert res.status_code == 200, res.text
    return str(res.json()["record_ref"])


def _one(db_session: Session, model: type[R], reference: str) -> R:
    return db_session.scalars(select(model).where(model.reference == reference)).one()


class TestStopSearch:
    def test_accepted_stop_search_becomes_a_code_a_record(
        self, client: TestClient, db_session: Session
    ) -> None:
        ref = _accepted(client, db_session, "stop_search", stop_search_data())
        assert ref.startswith("stop_search:SS-")
        record = _one(db_session, StopSearch, ref.split(":", 1)[1])
        assert (record.sde, record.power, record.object_of_search) == ("W1", "mda_s23", "drugs")
        assert record.grounds is not None
        assert record.grounds.startswith("Strong smell")
        assert (record.officer_id, record.outcome, record.receipt) == ("PC 1234", "nfa", "given")
        assert (record.injury, record.bwv_used, record.outcome_linked) == (False, True, None)
        assert (record.team, record.form_version) == ("Response A", "2023-12-20.1")
        assert record.code_set == "SDE-2011-18+1/IC-6+1"

    def test_vehicle_search_keeps_registration_items_and_perceived_ethnicity(
        self, client: TestClient, db_session: Session
    ) -> None:
        data = stop_search_data(
            search_type="both",
            vrm="AB12 CDE",
            perceived_ethnicity="IC1",
            sde="NS",
            outcome="arrest",
            outcome_linked="yes",
            items_found=[{"item_description": "Lock knife"}],
            person_name="Declined",
        )
        record = _one(
            db_session, StopSearch, _accepted(client, db_session, "stop_search", data)[12:]
        )
        assert (record.vrm, record.perceived_ethnicity, record.sde) == ("AB12 CDE", "IC1", "NS")
        assert (record.outcome, record.outcome_linked) == ("arrest", True)
        assert record.items_found == ["Lock knife"]

    def test_no_suspicion_search_records_the_authorisation(
        self, client: TestClient, db_session: Session
    ) -> None:
        data = stop_search_data(power="cjpoa_s60", authorisation="S60/2026/14 Ch Supt Patel")
        del data["grounds"]
        record = _one(
            db_session, StopSearch, _accepted(client, db_session, "stop_search", data)[12:]
        )
        assert (record.grounds, record.authorisation) == (None, "S60/2026/14 Ch Supt Patel")

    def test_a_person_held_with_the_name_and_birth_date_given_is_linked(
        self, client: TestClient, db_session: Session
    ) -> None:
        investigator = auth_header(token_for(client, make_user(db_session, Role.INVESTIGATOR)))
        held = client.post(
            "/api/v1/people",
            json={"given_names": "Ray", "family_name": "Searle", "date_of_birth": "1990-03-12"},
            headers=investigator,
        ).json()
        data = stop_search_data(person_name="Ray Searle", person_dob="1990-03-12")
        record = _one(
            db_session, StopSearch, _accepted(client, db_session, "stop_search", data)[12:]
        )
        assert str(record.person_id) == held["id"]
        unnamed = _one(
            db_session,
            StopSearch,
            _accepted(client, db_session, "stop_search", stop_search_data())[12:],
        )
        assert unnamed.person_id is None


class TestWitnessStatement:
    def test_accepted_mg11_becomes_a_statement_on_a_new_incident(
        self, client: TestClient, db_session: Session
    ) -> None:
        ref = _accepted(
            client, db_session, "mg11", mg11_signed(), files={"signature.png": SIGNATURE}
        )
        assert ref.startswith("witness_statement:MG11-")
        record = _one(db_session, WitnessStatement, ref.split(":", 1)[1])
        headers = supervisor(client, db_session, PURPOSE)
        body = client.get(f"/api/v1/statements/{record.id}", headers=headers).json()
        assert body["verified"] is True, body["problems"]
        assert body["declaration_text"] == EXACT_S9
        assert body["declaration_sha256"] == sha256_text(EXACT_S9)
        assert body["declaration_template_sha256"] == S9_DECLARATION.sha256
        assert body["signature_sha256"] == sha(SIGNATURE)
        assert body["binding_sha256"] == binding_sha256(
            sha256_text(EXACT_S9), body["envelope_sha256"], sha(SIGNATURE), None
        )
        assert body["witness_name"] == "Jane Witness"
        assert body["witness_details"]["dates_to_avoid"] == "none"
        incident = client.get(f"/api/v1/incidents/{record.incident_id}", headers=headers).json()
        assert ref.split(":", 1)[1] in incident["narrative"]

    def test_mg11_naming_an_incident_is_linked_to_it(
        self, client: TestClient, db_session: Session
    ) -> None:
        investigator = auth_header(token_for(client, make_user(db_session, Role.INVESTIGATOR)))
        incident = client.post(
            "/api/v1/incidents",
            json={"category": "CRIME", "grade": "priority", "narrative": "Shop window smashed"},
            headers=investigator,
        ).json()
        data = mg11_signed(incident_ref=incident["reference"])
        ref = _accepted(client, db_session, "mg11", data, files={"signature.png": SIGNATURE})
        record = _one(db_session, WitnessStatement, ref.split(":", 1)[1])
        assert str(record.incident_id) == incident["id"]

    def test_statement_read_to_the_witness_binds_the_readers_signature(
        self, client: TestClient, db_session: Session
    ) -> None:
        data = mg11_signed(
            reader_needed="yes", reader_name="PC 4321 Brown", reader_signature="reader.png"
        )
        files = {"signature.png": SIGNATURE, "reader.png": READER_SIGNATURE}
        ref = _accepted(client, db_session, "mg11", data, files=files)
        record = _one(db_session, WitnessStatement, ref.split(":", 1)[1])
        assert record.reader_name == "PC 4321 Brown"
        assert record.reader_signature_sha256 == sha(READER_SIGNATURE)
        assert record.binding_sha256 == binding_sha256(
            record.declaration_sha256,
            record.envelope_sha256,
            sha(SIGNATURE),
            sha(READER_SIGNATURE),
        )

    def test_reading_the_witness_details_is_audited_with_the_purpose(
        self, client: TestClient, db_session: Session
    ) -> None:
        ref = _accepted(
            client, db_session, "mg11", mg11_signed(), files={"signature.png": SIGNATURE}
        )
        record = _one(db_session, WitnessStatement, ref.split(":", 1)[1])
        headers = supervisor(client, db_session, PURPOSE)
        assert client.get(f"/api/v1/statements/{record.id}", headers=headers).status_code == 200
        events = db_session.scalars(
            select(AuditEvent).where(
                AuditEvent.record_type == "witness_statement",
                AuditEvent.record_id == str(record.id),
                AuditEvent.action == "read",
            )
        ).all()
        assert [e.purpose for e in events] == [PURPOSE]

    def test_a_statement_cannot_be_read_without_a_purpose(
        self, client: TestClient, db_session: Session
    ) -> None:
        ref = _accepted(
            client, db_session, "mg11", mg11_signed(), files={"signature.png": SIGNATURE}
        )
        record = _one(db_session, WitnessStatement, ref.split(":", 1)[1])
        res = client.get(f"/api/v1/statements/{record.id}", headers=supervisor(client, db_session))
        assert res.status_code == 400
        assert "purpose" in res.json()["detail"]


class TestMissingPerson:
    def test_accepted_report_creates_the_person_with_a_current_missing_flag(
        self, client: TestClient, db_session: Session
    ) -> None:
        ref = _accepted(client, db_session, "missing_person", missing_data())
        assert ref.startswith("missing_person_report:MPR-")
        report = _one(db_session, MissingPersonReport, ref.split(":", 1)[1])
        assert (report.risk_grade, report.last_seen_location) == ("high", "Bus station, Derby")
        assert report.risks[0]["source"] == "Mother, 07700 900123"
        assert report.risks[0]["details"] == "Aged 16; diabetic, without insulin"
        headers = supervisor(client, db_session, PURPOSE)
        person = client.get(f"/api/v1/people/{report.person_id}", headers=headers).json()
        assert (person["given_names"], person["family_name"]) == ("Amy Louise", "Jones")
        missing = [f for f in person["flags"] if f["kind"] == "missing"]
        assert len(missing) == 1
        assert missing[0]["current"] is True
        assert missing[0]["code"] == "high"

    def test_report_links_a_person_already_held_with_the_same_name_and_birth_date(
        self, client: TestClient, db_session: Session
    ) -> None:
        investigator = auth_header(token_for(client, make_user(db_session, Role.INVESTIGATOR)))
        held = client.post(
            "/api/v1/people",
            json={
                "given_names": "Amy Louise",
                "family_name": "JONES",
                "date_of_birth": "2010-04-02",
            },
            headers=investigator,
        ).json()
        ref = _accepted(client, db_session, "missing_person", missing_data())
        report = _one(db_session, MissingPersonReport, ref.split(":", 1)[1])
        assert str(report.person_id) == held["id"]


class TestVehicleStop:
    def test_accepted_vehicle_stop_becomes_a_vehicle_stop_record(
        self, client: TestClient, db_session: Session
    ) -> None:
        ref = _accepted(client, db_session, "vehicle_stop", vehicle_stop_data())
        assert ref.startswith("vehicle_stop:VS-")
        record = _one(db_session, VehicleStop, ref.split(":", 1)[1])
        assert (record.vrm, record.make_model, record.reason) == (
            "AB12 CDE",
            "Ford Focus",
            "moving_traffic",
        )
        assert (record.outcome, record.outcome_reference) == ("fpn", "FPN123456")
        assert (record.driver_name, record.documents_produced) == ("Sam Driver", True)
        assert record.power == "Road Traffic Act 1988 s.163"
        headers = supervisor(client, db_session, PURPOSE)
        listed = client.get("/api/v1/vehicle-stops?vrm=AB12%20CDE", headers=headers).json()
        assert record.reference in [i["reference"] for i in listed["items"]]
        assert "driver_name" not in listed["items"][0]


class TestIdempotency:
    def test_accepting_twice_never_makes_two_records(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        sid = push(client, dev, "stop_search", stop_search_data())
        sup = supervisor(client, db_session)
        first = accept(client, sup, sid)
        assert first.status_code == 200
        assert accept(client, sup, sid).status_code == 409
        sub = db_session.get(Submission, uuid.UUID(sid))
        assert sub is not None
        db_session.refresh(sub)
        assert record_for(db_session, actor=Actor.system("t"), submission=sub) == sub.record_ref
        # Even without the reference on the submission, the records refuse a second record.
        sub.record_ref = None
        again = record_for(db_session, actor=Actor.system("t"), submission=sub)
        assert again == first.json()["record_ref"]
        count = db_session.scalar(
            select(func.count()).select_from(StopSearch).where(StopSearch.submission_id == sub.id)
        )
        assert count == 1


class TestMappingFailures:
    def test_unknown_incident_reference_leaves_the_mg11_unaccepted(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        data = mg11_signed(incident_ref="INC-20000101-000001")
        sid = push(client, dev, "mg11", data, files={"signature.png": SIGNATURE})
        sup = supervisor(client, db_session)
        res = accept(client, sup, sid)
        assert res.status_code == 422
        assert "INC-20000101-000001" in res.json()["detail"]
        assert res.json()["errors"][0]["field"] == "/incident_reference"
        sub = client.get(f"/api/v1/mobile/submissions/{sid}", headers=sup).json()
        assert (sub["status"], sub["record_ref"]) == ("submitted", None)
        assert db_session.scalar(select(func.count()).select_from(WitnessStatement)) == 0

    def test_a_one_word_missing_person_name_is_refused_with_the_field(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        sid = push(client, dev, "missing_person", missing_data(person_name="Amy"))
        sup = supervisor(client, db_session)
        res = accept(client, sup, sid)
        assert res.status_code == 422
        assert "given and family names" in res.json()["detail"]
        assert client.get(f"/api/v1/mobile/submissions/{sid}", headers=sup).json()["status"] == (
            "submitted"
        )
        assert db_session.scalar(select(func.count()).select_from(MissingPersonReport)) == 0

    def test_the_supervisor_can_still_return_a_submission_that_cannot_be_mapped(
        self, client: TestClient, db_session: Session
    ) -> None:
        publish_forms(db_session)
        dev = officer_device(db_session)
        sid = push(client, dev, "missing_person", missing_data(person_name="Amy"))
        sup = supervisor(client, db_session)
        assert accept(client, sup, sid).status_code == 422
        res = client.post(
            f"/api/v1/mobile/submissions/{sid}/review",
            json={"decision": "return", "comments": "Give the full name"},
            headers=sup,
        )
        assert res.status_code == 200
        assert res.json()["status"] == "returned"

    def test_the_review_page_shows_why_and_keeps_the_submission(
        self, client: TestClient, db_session: Session
    ) -> None:
        from peelian.auth.dependencies import SESSION_COOKIE, csrf_token_for

        publish_forms(db_session)
        dev = officer_device(db_session)
        sid = push(client, dev, "missing_person", missing_data(person_name="Amy"))
        sup = make_user(db_session, Role.SUPERVISOR)
        form = {"username": sup.user.username, "password": sup.password, "totp": sup.code() or ""}
        client.post("/login", data=form, follow_redirects=False)
        csrf = csrf_token_for(b"k" * 32, client.cookies[SESSION_COOKIE])
        res = client.post(
            f"/mobile/review/{sid}",
            data={"decision": "accept", "csrf_token": csrf},
            headers={"accept": "text/html"},
        )
        assert res.status_code == 400
        assert "given and family names" in res.text
        sub = db_session.get(Submission, uuid.UUID(sid))
        assert sub is not None
        db_session.refresh(sub)
        assert (sub.status.value, sub.record_ref) == ("submitted", None)
        assert db_session.scalar(select(func.count()).select_from(MissingPersonReport)) == 0
