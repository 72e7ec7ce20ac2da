"""Bulk seeding stores what the generator makes, searchable, with one audit event."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peelian.core.audit import AuditEvent
from peelian.records.models import Incident, Person, PersonFlag, PersonNameKey
from peelian.records.service.check import check_person
from peelian.records.service.search import search_people
from peelian.records.service.seed import seed_people
from peelian.records.synthetic import generate
from tests.fixtures.records import ACTOR

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _count(session: Session, model: type[object]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


class TestSeedPeople:
    def test_stores_people_flags_incidents_and_keys(self, db_session: Session) -> None:
        report = seed_people(db_session, actor=ACTOR, count=120, seed=3, now=NOW)
        assert _count(db_session, Person) == 120
        assert _count(db_session, PersonFlag) == report.flags
        assert _count(db_session, Incident) == report.incidents == 12
        assert _count(db_session, PersonNameKey) >= 3 * 120

    def test_writes_one_audit_event_for_the_whole_seed(self, db_session: Session) -> None:
        before = _count(db_session, AuditEvent)
        seed_people(db_session, actor=ACTOR, count=50, seed=3, now=NOW)
        assert _count(db_session, AuditEvent) == before + 1

    def test_seeded_people_are_found_and_checked(self, db_session: Session) -> None:
        seed_people(db_session, actor=ACTOR, count=60, seed=5, now=NOW)
        first = next(generate(60, 5, NOW)).people[0]
        q = f"{first.given_names} {first.family_name} {first.date_of_birth:%d/%m/%Y}"
        found, _ = search_people(db_session, actor=ACTOR, q=q, purpose="seed test")
        assert found[0].person.family_name == first.family_name
        check = check_person(db_session, actor=ACTOR, person_id=found[0].person.id,
                             purpose="seed test")  # fmt: skip
        assert check.colour.value in ("red", "amber", "green")

    def test_same_seed_stores_the_same_people(self, db_session: Session) -> None:
        seed_people(db_session, actor=ACTOR, count=40, seed=9, now=NOW)
        stored = sorted(
            db_session.execute(select(Person.given_names, Person.family_name, Person.date_of_birth))
        )
        expected = sorted(
            (p.given_names, p.family_name, p.date_of_birth)
            for c in generate(40, 9, NOW)
            for p in c.people
        )
        assert [tuple(r) for r in stored] == expected

    def test_second_seed_continues_incident_numbers(self, db_session: Session) -> None:
        seed_people(db_session, actor=ACTOR, count=30, seed=1, now=NOW)
        seed_people(db_session, actor=ACTOR, count=30, seed=2, now=NOW)
        refs = list(db_session.scalars(select(Incident.reference)))
        assert len(refs) == len(set(refs))
