"""Records tables: people and what is known of them, the name-search keys, merges, incidents,
and the records made from accepted mobile submissions (stop and search, MG11 statements,
missing-person reports, vehicle stops)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from peelian.core.db.base import Base, IdMixin, TimestampMixin
from peelian.records.codes import (
    FlagKind,
    IdentifierKind,
    IncidentGrade,
    IncidentRole,
    IncidentStatus,
    NameKind,
    Sex,
)

__all__ = [
    "Incident",
    "IncidentCounter",
    "IncidentPerson",
    "MissingPersonReport",
    "Person",
    "PersonAddress",
    "PersonFlag",
    "PersonIdentifier",
    "PersonMerge",
    "PersonName",
    "PersonNameKey",
    "PersonPhoto",
    "RecordCounter",
    "StopSearch",
    "VehicleStop",
    "WitnessStatement",
]


def _enum(cls: type[enum.Enum], length: int = 40) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Person(IdMixin, TimestampMixin, Base):
    """A nominal: someone the force holds a record of."""

    __tablename__ = "people"
    # Partial: almost nobody is merged, and a full index of NULLs makes planners with
    # statistics (SQLite after ANALYZE) give up on it and scan the whole table.
    __table_args__ = (
        Index(
            "ix_people_merged_into_id",
            "merged_into_id",
            sqlite_where=text("merged_into_id IS NOT NULL"),
            postgresql_where=text("merged_into_id IS NOT NULL"),
        ),
    )

    given_names: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date, index=True)
    alt_dates_of_birth: Mapped[list[str]] = mapped_column(JSON, default=list)
    sex: Mapped[Sex] = mapped_column(_enum(Sex), default=Sex.UNKNOWN)
    ethnicity: Mapped[str] = mapped_column(String(2), default="NS")
    height_cm: Mapped[int | None] = mapped_column(SmallInteger)
    build: Mapped[str | None] = mapped_column(String(40))
    marks: Mapped[str | None] = mapped_column(Text)
    # Set while this record is merged into another (the survivor); cleared by an unmerge.
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), default=None)


class PersonName(IdMixin, Base):
    """An alias or previous name."""

    __tablename__ = "person_names"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[NameKind] = mapped_column(_enum(NameKind))
    given_names: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))


class PersonNameKey(Base):
    """The name-search index: one row per (key, birth year, person); 0 means year unknown."""

    __tablename__ = "person_name_keys"
    # On SQLite the primary key is the table (no separate rowid b-tree): smaller and faster.
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    birth_year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id"), primary_key=True, index=True
    )


class PersonIdentifier(IdMixin, Base):
    """A PNC id, CRO number, passport, driving licence or phone number (normalised)."""

    __tablename__ = "person_identifiers"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[IdentifierKind] = mapped_column(_enum(IdentifierKind))
    value: Mapped[str] = mapped_column(String(40))


class PersonAddress(IdMixin, Base):
    """An address the person lived at, with dates."""

    __tablename__ = "person_addresses"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    line1: Mapped[str] = mapped_column(String(120))
    line2: Mapped[str | None] = mapped_column(String(120))
    town: Mapped[str] = mapped_column(String(80))
    postcode: Mapped[str | None] = mapped_column(String(10))
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)


class PersonPhoto(IdMixin, Base):
    """A photograph held in blob storage, by content hash."""

    __tablename__ = "person_photos"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(60))
    taken_at: Mapped[datetime] = mapped_column()
    recorded_by: Mapped[uuid.UUID | None] = mapped_column()


class PersonFlag(IdMixin, TimestampMixin, Base):
    """A warning marker or a status (wanted, warrant, bail, recall, missing, licence).

    Whether a flag counts is decided at query time against now: from `starts_at` until
    `expires_at` unless cancelled. `details` holds kind-specific facts (offence, court,
    bail conditions and curfew) checked by the schemas.
    """

    __tablename__ = "person_flags"
    __table_args__ = (Index("ix_person_flags_person_kind", "person_id", "kind"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[FlagKind] = mapped_column(_enum(FlagKind))
    code: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(120))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column()
    starts_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    review_date: Mapped[date | None] = mapped_column(Date)
    cancelled_at: Mapped[datetime | None] = mapped_column()
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PersonMerge(IdMixin, Base):
    """A duplicate record folded into a survivor; undone by setting `undone_at`."""

    __tablename__ = "person_merges"

    survivor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    duplicate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    merged_by: Mapped[uuid.UUID | None] = mapped_column()
    merged_at: Mapped[datetime] = mapped_column()
    undone_by: Mapped[uuid.UUID | None] = mapped_column()
    undone_at: Mapped[datetime | None] = mapped_column()


class Incident(IdMixin, TimestampMixin, Base):
    """An incident or occurrence, from the first call to its close."""

    __tablename__ = "incidents"

    reference: Mapped[str] = mapped_column(String(24), unique=True)
    category: Mapped[str] = mapped_column(String(30))
    qualifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    grade: Mapped[IncidentGrade] = mapped_column(_enum(IncidentGrade))
    status: Mapped[IncidentStatus] = mapped_column(_enum(IncidentStatus), index=True)
    reported_at: Mapped[datetime] = mapped_column()
    occurred_from: Mapped[datetime | None] = mapped_column()
    occurred_to: Mapped[datetime | None] = mapped_column()
    address: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    beat: Mapped[str | None] = mapped_column(String(20))
    narrative: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str | None] = mapped_column(String(80), index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    crime_number: Mapped[str | None] = mapped_column(String(30))


class IncidentPerson(IdMixin, Base):
    """A person linked to an incident in a role."""

    __tablename__ = "incident_people"
    __table_args__ = (UniqueConstraint("incident_id", "person_id", "role"),)

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[IncidentRole] = mapped_column(_enum(IncidentRole))


class IncidentCounter(Base):
    """The last incident number issued on a day (references are INC-YYYYMMDD-NNNNNN)."""

    __tablename__ = "incident_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class RecordCounter(Base):
    """The last number issued in a reference series on a day (e.g. SS-20261129 → 12)."""

    __tablename__ = "record_counters"

    series: Mapped[str] = mapped_column(String(16), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class _FromMobile:
    """Where a record came from: the accepted mobile submission (one record per submission)."""

    reference: Mapped[str] = mapped_column(String(24), unique=True)
    submission_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    form_version: Mapped[str | None] = mapped_column(String(40))
    officer_user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    team: Mapped[str | None] = mapped_column(String(80), index=True)


class StopSearch(_FromMobile, IdMixin, TimestampMixin, Base):
    """A stop and search record: the contents PACE Code A para 4.3 requires, and the outcome."""

    __tablename__ = "stop_searches"

    searched_at: Mapped[datetime] = mapped_column(index=True)
    location: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    search_type: Mapped[str] = mapped_column(String(10))
    vrm: Mapped[str | None] = mapped_column(String(8))
    power: Mapped[str] = mapped_column(String(20))
    authorisation: Mapped[str | None] = mapped_column(String(200))
    grounds: Mapped[str | None] = mapped_column(Text)
    object_of_search: Mapped[str] = mapped_column(String(30))
    # Self-defined (SDE 18+1) and, only if different, officer-perceived (IC 6+1) ethnicity.
    sde: Mapped[str] = mapped_column(String(2), index=True)
    perceived_ethnicity: Mapped[str | None] = mapped_column(String(4))
    code_set: Mapped[str] = mapped_column(String(30))
    officer_id: Mapped[str] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(30), index=True)
    outcome_linked: Mapped[bool | None] = mapped_column()
    items_found: Mapped[list[str]] = mapped_column(JSON, default=list)
    injury: Mapped[bool] = mapped_column()
    injury_details: Mapped[str | None] = mapped_column(Text)
    bwv_used: Mapped[bool] = mapped_column()
    receipt: Mapped[str] = mapped_column(String(10))
    person_name: Mapped[str | None] = mapped_column(String(200))
    person_dob: Mapped[date | None] = mapped_column(Date)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)


class WitnessStatement(_FromMobile, IdMixin, TimestampMixin, Base):
    """An MG11 statement under s.9 CJA 1967, with the signed declaration bound to the signature.

    `binding_sha256` ties together the hash of the exact declaration text the witness signed,
    the device's signature envelope (declaration, statement text and signing time) and the
    content hash of the signature image, so a change to any of them is detectable.
    """

    __tablename__ = "witness_statements"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    urn: Mapped[str | None] = mapped_column(String(40))
    witness_name: Mapped[str] = mapped_column(String(200))
    # The witness as a person in records (linked to the incident as a witness); None when the
    # statement gives a single name only.
    witness_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    age_band: Mapped[str] = mapped_column(String(10))
    age: Mapped[int | None] = mapped_column(SmallInteger)
    occupation: Mapped[str] = mapped_column(String(120))
    page_count: Mapped[int] = mapped_column(SmallInteger)
    statement: Mapped[str] = mapped_column(Text)
    exhibits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    declaration_name: Mapped[str] = mapped_column(String(60))
    declaration_version: Mapped[int] = mapped_column(SmallInteger)
    declaration_template_sha256: Mapped[str] = mapped_column(String(64))
    declaration_text: Mapped[str] = mapped_column(Text)
    declaration_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column()
    signed_at_text: Mapped[str] = mapped_column(String(40))
    envelope_sha256: Mapped[str] = mapped_column(String(64))
    signature_sha256: Mapped[str] = mapped_column(String(64))
    binding_sha256: Mapped[str] = mapped_column(String(64))
    reader_name: Mapped[str | None] = mapped_column(String(200))
    reader_signature_sha256: Mapped[str | None] = mapped_column(String(64))
    taken_by: Mapped[str] = mapped_column(String(120))
    # The rear of the MG11: restricted, never disclosed.
    witness_details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MissingPersonReport(_FromMobile, IdMixin, TimestampMixin, Base):
    """A missing-person report: who, when and where last seen, the risk grade and its evidence.

    Each risk answer keeps its provenance ({item, value, details, source, obtained_at}).
    """

    __tablename__ = "missing_person_reports"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    flag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person_flags.id"))
    reported_name: Mapped[str] = mapped_column(String(200))
    last_seen_at: Mapped[datetime] = mapped_column()
    last_seen_location: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(200))
    previous_episodes: Mapped[int | None] = mapped_column(SmallInteger)
    risk_grade: Mapped[str] = mapped_column(String(10), index=True)
    risks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class VehicleStop(_FromMobile, IdMixin, TimestampMixin, Base):
    """A vehicle stopped under the Road Traffic Act 1988 s.163, and what came of it."""

    __tablename__ = "vehicle_stops"

    vrm: Mapped[str] = mapped_column(String(8), index=True)
    make_model: Mapped[str | None] = mapped_column(String(120))
    stopped_at: Mapped[datetime] = mapped_column(index=True)
    location: Mapped[str] = mapped_column(String(200))
    power: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(20))
    defects: Mapped[list[str]] = mapped_column(JSON, default=list)
    speed_mph: Mapped[float | None] = mapped_column(Float)
    released_at: Mapped[str | None] = mapped_column(String(8))
    driver_name: Mapped[str | None] = mapped_column(String(200))
    documents_produced: Mapped[bool | None] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    outcome_reference: Mapped[str | None] = mapped_column(String(40))
