"""Queries over people, their names, identifiers, flags, photos, merges and search keys."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, delete, func, insert, intersect, select
from sqlalchemy.orm import Session

from peelian.records.codes import IdentifierKind
from peelian.records.models import (
    Person,
    PersonAddress,
    PersonFlag,
    PersonIdentifier,
    PersonMerge,
    PersonName,
    PersonNameKey,
    PersonPhoto,
)

__all__ = [
    "Candidate",
    "active_merge",
    "addresses_of",
    "candidate_ids",
    "candidate_ids_both",
    "candidates_by_ids",
    "count_people",
    "delete_children",
    "find_identifier",
    "first_person_ids",
    "flags_and_photos_of_survivor",
    "flags_of",
    "get_flag",
    "get_merge",
    "get_person",
    "identifiers_of",
    "merged_into",
    "merged_sources",
    "names_of",
    "people_born_on",
    "people_by_ids",
    "photos_of",
    "replace_name_keys",
]


def get_person(session: Session, person_id: uuid.UUID) -> Person | None:
    """A person by id."""
    return session.get(Person, person_id)


class Candidate(NamedTuple):
    """The columns name search ranks on (lighter than a Person entity)."""

    id: uuid.UUID
    given_names: str
    family_name: str
    date_of_birth: date | None
    alt_dates_of_birth: list[str]
    merged_into_id: uuid.UUID | None


_CANDIDATES = select(
    Person.id,
    Person.given_names,
    Person.family_name,
    Person.date_of_birth,
    Person.alt_dates_of_birth,
    Person.merged_into_id,
).where(Person.id.in_(bindparam("ids", expanding=True)))


def candidates_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> list[Candidate]:
    """The ranking columns of people by id."""
    wanted = list(ids)
    if not wanted:
        return []
    return [Candidate(*row) for row in session.execute(_CANDIDATES, {"ids": wanted})]


def people_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> list[Person]:
    """People by id, in no particular order."""
    wanted = list(ids)
    if not wanted:
        return []
    return list(session.scalars(select(Person).where(Person.id.in_(wanted))))


_NAMES = select(PersonName).where(PersonName.person_id.in_(bindparam("ids", expanding=True)))


def names_of(session: Session, person_ids: Sequence[uuid.UUID]) -> list[PersonName]:
    """Aliases and previous names of the people."""
    if not person_ids:
        return []
    return list(session.scalars(_NAMES, {"ids": list(person_ids)}))


def identifiers_of(session: Session, person_ids: Sequence[uuid.UUID]) -> list[PersonIdentifier]:
    """Identifiers of the people."""
    stmt = select(PersonIdentifier).where(PersonIdentifier.person_id.in_(person_ids))
    return list(session.scalars(stmt))


def addresses_of(session: Session, person_ids: Sequence[uuid.UUID]) -> list[PersonAddress]:
    """Addresses of the people, most recent first."""
    stmt = (
        select(PersonAddress)
        .where(PersonAddress.person_id.in_(person_ids))
        .order_by(PersonAddress.from_date.desc())
    )
    return list(session.scalars(stmt))


def photos_of(session: Session, person_ids: Sequence[uuid.UUID]) -> list[PersonPhoto]:
    """Photographs of the people, newest first."""
    stmt = (
        select(PersonPhoto)
        .where(PersonPhoto.person_id.in_(person_ids))
        .order_by(PersonPhoto.taken_at.desc())
    )
    return list(session.scalars(stmt))


def flags_of(session: Session, person_ids: Sequence[uuid.UUID]) -> list[PersonFlag]:
    """Every flag of the people, current or not, oldest first."""
    stmt = (
        select(PersonFlag)
        .where(PersonFlag.person_id.in_(person_ids))
        .order_by(PersonFlag.created_at)
    )
    return list(session.scalars(stmt))


def get_flag(session: Session, flag_id: uuid.UUID) -> PersonFlag | None:
    """A flag by id."""
    return session.get(PersonFlag, flag_id)


def find_identifier(session: Session, kind: IdentifierKind, value: str) -> PersonIdentifier | None:
    """The holder of an identifier, if any."""
    stmt = select(PersonIdentifier).where(
        PersonIdentifier.kind == kind, PersonIdentifier.value == value
    )
    return session.scalars(stmt).first()


def merged_into(session: Session, survivor_id: uuid.UUID) -> list[uuid.UUID]:
    """Ids of the records currently merged into a survivor."""
    stmt = select(Person.id).where(Person.merged_into_id == survivor_id)
    return list(session.scalars(stmt))


def active_merge(session: Session, duplicate_id: uuid.UUID) -> PersonMerge | None:
    """The merge (not undone) that folded this record away, if any."""
    stmt = select(PersonMerge).where(
        PersonMerge.duplicate_id == duplicate_id, PersonMerge.undone_at.is_(None)
    )
    return session.scalars(stmt).first()


def get_merge(session: Session, merge_id: uuid.UUID) -> PersonMerge | None:
    """A merge by id."""
    return session.get(PersonMerge, merge_id)


def delete_children(
    session: Session,
    model: type[PersonName] | type[PersonIdentifier] | type[PersonAddress],
    person_id: uuid.UUID,
) -> None:
    """Remove a person's names, identifiers or addresses (before replacing them)."""
    session.execute(delete(model).where(model.person_id == person_id))


def replace_name_keys(session: Session, person_id: uuid.UUID, rows: set[tuple[str, int]]) -> None:
    """Replace the person's search keys with (key, birth year) rows."""
    session.execute(delete(PersonNameKey).where(PersonNameKey.person_id == person_id))
    if rows:
        session.execute(
            insert(PersonNameKey),
            [{"key": k, "birth_year": y, "person_id": person_id} for k, y in sorted(rows)],
        )


def candidate_ids(
    session: Session, keys: Sequence[str], years: Sequence[int] | None, limit: int
) -> list[uuid.UUID]:
    """People holding any of the keys (in the birth years, when given), at most `limit`."""
    stmt = select(PersonNameKey.person_id).where(PersonNameKey.key.in_(keys)).distinct()
    if years is not None:
        stmt = stmt.where(PersonNameKey.birth_year.in_(years))
    return list(session.scalars(stmt.limit(limit)))


def _keys_part(years: bool, name: str) -> Select[uuid.UUID]:
    part = select(PersonNameKey.person_id).where(
        PersonNameKey.key.in_(bindparam(name, expanding=True))
    )
    if years:
        part = part.where(PersonNameKey.birth_year.in_(bindparam("years", expanding=True)))
    return part


_BOTH = {
    with_years: intersect(_keys_part(with_years, "family"), _keys_part(with_years, "given")).limit(
        bindparam("limit")
    )
    for with_years in (True, False)
}


def candidate_ids_both(
    session: Session,
    family: Sequence[str],
    given: Sequence[str],
    years: Sequence[int] | None,
    limit: int,
) -> list[uuid.UUID]:
    """People holding one of the family keys and one of the given-name keys, at most `limit`."""
    params: dict[str, Any] = {"family": list(family), "given": list(given), "limit": limit}
    if years is not None:
        params["years"] = list(years)
    return list(session.scalars(_BOTH[years is not None], params))


def merged_sources(session: Session, survivor_ids: Sequence[uuid.UUID]) -> list[Person]:
    """The records currently merged into any of the survivors."""
    if not survivor_ids:
        return []
    return list(session.scalars(select(Person).where(Person.merged_into_id.in_(survivor_ids))))


def people_born_on(session: Session, born: date, limit: int) -> list[uuid.UUID]:
    """Ids of people with this date of birth, at most `limit`."""
    stmt = select(Person.id).where(Person.date_of_birth == born).limit(limit)
    return list(session.scalars(stmt))


def first_person_ids(session: Session, limit: int) -> list[uuid.UUID]:
    """Ids of the first unmerged people in creation order (ids are UUIDv7), at most `limit`."""
    stmt = select(Person.id).where(Person.merged_into_id.is_(None)).order_by(Person.id).limit(limit)
    return list(session.scalars(stmt))


def count_people(session: Session) -> int:
    """How many person records exist (merged ones included)."""
    return int(session.scalar(select(func.count()).select_from(Person)) or 0)


# Built once: a prebuilt statement keeps its compiled form and cache key between calls.
_FAMILY = select(Person.id).where(
    (Person.id == bindparam("survivor")) | (Person.merged_into_id == bindparam("survivor"))
)
_FLAGS = select(PersonFlag).where(PersonFlag.person_id.in_(_FAMILY)).order_by(PersonFlag.created_at)
_PHOTO = (
    select(PersonPhoto)
    .where(PersonPhoto.person_id.in_(_FAMILY))
    .order_by(PersonPhoto.taken_at.desc())
    .limit(1)
)


def flags_and_photos_of_survivor(
    session: Session, survivor_id: uuid.UUID
) -> tuple[list[PersonFlag], list[PersonPhoto]]:
    """Flags (oldest first) and the newest photo of a person and everyone merged into it."""
    params = {"survivor": survivor_id}
    return list(session.scalars(_FLAGS, params)), list(session.scalars(_PHOTO, params))
