"""Create, edit and read people; add and cancel flags; attach photographs. All audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import FieldError, InvalidInput, NotFound
from peelian.core.storage import BlobStore
from peelian.core.time import utcnow
from peelian.records.checks import is_current
from peelian.records.models import (
    Person,
    PersonAddress,
    PersonFlag,
    PersonIdentifier,
    PersonName,
    PersonPhoto,
)
from peelian.records.phonetic import name_keys
from peelian.records.repository import people as repo
from peelian.records.schemas import IdentifierIn, PersonCreate, PersonUpdate
from peelian.records.service.flags import facts_of

__all__ = [
    "PersonView",
    "add_photo",
    "create_person",
    "get_person",
    "read_person",
    "search_keys",
    "update_person",
    "view_person",
]

PHOTO_TYPES = {"image/jpeg", "image/png"}


@dataclass
class PersonView:
    """A person with everything held on them (flags include those of merged duplicates)."""

    person: Person
    aliases: list[PersonName] = field(default_factory=list)
    identifiers: list[PersonIdentifier] = field(default_factory=list)
    addresses: list[PersonAddress] = field(default_factory=list)
    photos: list[PersonPhoto] = field(default_factory=list)
    flags: list[tuple[PersonFlag, bool]] = field(default_factory=list)
    merged_ids: list[uuid.UUID] = field(default_factory=list)


def search_keys(
    given_names: str,
    family_name: str,
    dates_of_birth: Iterable[date | None],
    aliases: Iterable[tuple[str, str]] = (),
) -> set[tuple[str, int]]:
    """The (key, birth year) rows that make a person findable by any name and any known DOB."""
    keys = name_keys(given_names, family_name)
    for given, family in aliases:
        keys |= name_keys(given, family)
    years = {d.year for d in dates_of_birth if d is not None} or {0}
    return {(k, y) for k in keys for y in years}


def _reindex(session: Session, person: Person) -> None:
    aliases = [(n.given_names, n.family_name) for n in repo.names_of(session, [person.id])]
    dobs = [person.date_of_birth, *(date.fromisoformat(d) for d in person.alt_dates_of_birth)]
    repo.replace_name_keys(
        session, person.id, search_keys(person.given_names, person.family_name, dobs, aliases)
    )


def _check_identifiers(
    session: Session, identifiers: list[IdentifierIn], person_id: uuid.UUID | None
) -> None:
    errors: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for i, ident in enumerate(identifiers):
        where = f"/identifiers/{i}/value"
        if (ident.kind, ident.value) in seen:
            errors.append(FieldError(where, "this identifier is listed twice"))
        seen.add((ident.kind, ident.value))
        holder = repo.find_identifier(session, ident.kind, ident.value)
        if holder is not None and holder.person_id != person_id:
            errors.append(FieldError(where, "this identifier already belongs to another person"))
    if errors:
        raise InvalidInput(errors[0].message, errors=errors)


def _add_children(
    session: Session, person_id: uuid.UUID, person_in: PersonCreate | PersonUpdate
) -> None:
    for name in person_in.aliases or []:
        session.add(PersonName(person_id=person_id, **name.model_dump()))
    for ident in person_in.identifiers or []:
        session.add(PersonIdentifier(person_id=person_id, kind=ident.kind, value=ident.value))
    for address in person_in.addresses or []:
        session.add(PersonAddress(person_id=person_id, **address.model_dump()))


def create_person(session: Session, *, actor: Actor, person_in: PersonCreate) -> Person:
    """Create a nominal record with its names, identifiers and addresses."""
    _check_identifiers(session, person_in.identifiers, None)
    scalars = person_in.model_dump(exclude={"aliases", "identifiers", "addresses"})
    scalars["alt_dates_of_birth"] = [d.isoformat() for d in person_in.alt_dates_of_birth]
    person = Person(**scalars)
    session.add(person)
    session.flush()
    _add_children(session, person.id, person_in)
    session.flush()
    _reindex(session, person)
    audit.record(
        session, actor=actor, action=AuditAction.CREATE, record_type="person", record_id=person.id
    )
    return person


def update_person(
    session: Session, *, actor: Actor, person_id: uuid.UUID, person_in: PersonUpdate
) -> Person:
    """Edit a person; lists given replace the stored ones. Checks run before anything changes."""
    person = _existing(session, person_id)
    if person_in.identifiers is not None:
        _check_identifiers(session, person_in.identifiers, person.id)
    changed = person_in.model_dump(exclude_unset=True)
    for name in ("given_names", "family_name", "sex", "ethnicity"):
        if name in changed and changed[name] is None:
            raise InvalidInput(
                f"{name} cannot be blank", errors=[FieldError(f"/{name}", "cannot be blank")]
            )
    for key, value in changed.items():
        if key in ("aliases", "identifiers", "addresses"):
            continue
        if key == "alt_dates_of_birth":
            value = [d.isoformat() for d in person_in.alt_dates_of_birth or []]
        setattr(person, key, value)
    for key, model in (
        ("aliases", PersonName),
        ("identifiers", PersonIdentifier),
        ("addresses", PersonAddress),
    ):
        if getattr(person_in, key) is not None:
            repo.delete_children(session, model, person.id)  # type: ignore[arg-type]
    session.flush()
    _add_children(session, person.id, person_in)
    session.flush()
    _reindex(session, person)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="person",
        record_id=person.id,
        detail={"fields": sorted(changed)},
    )
    return person


def _existing(session: Session, person_id: uuid.UUID) -> Person:
    person = repo.get_person(session, person_id)
    if person is None:
        raise NotFound("no such person")
    return person


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    """A person by id, unaudited: for other services that audit their own use."""
    return _existing(session, person_id)


def view_person(session: Session, person_id: uuid.UUID, at: datetime | None = None) -> PersonView:
    """Everything held on a person, unaudited: for replies to the writer who just changed it."""
    person = _existing(session, person_id)
    at = at or utcnow()
    merged = repo.merged_into(session, person.id)
    ids = [person.id, *merged]
    return PersonView(
        person=person,
        aliases=repo.names_of(session, [person.id]),
        identifiers=repo.identifiers_of(session, [person.id]),
        addresses=repo.addresses_of(session, [person.id]),
        photos=repo.photos_of(session, ids),
        flags=[(f, is_current(facts_of(f), at)) for f in repo.flags_of(session, ids)],
        merged_ids=merged,
    )


def read_person(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    purpose: str,
    at: datetime | None = None,
) -> PersonView:
    """Everything held on a person, for a stated purpose (audited)."""
    view = view_person(session, person_id, at)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.READ,
        record_type="person",
        record_id=view.person.id,
        purpose=purpose,
    )
    return view


def add_photo(
    session: Session,
    *,
    actor: Actor,
    person_id: uuid.UUID,
    store: BlobStore,
    stream: BinaryIO,
    content_type: str,
) -> PersonPhoto:
    """Store a photograph in blob storage and attach it to the person."""
    person = _existing(session, person_id)
    if content_type not in PHOTO_TYPES:
        raise InvalidInput(
            "photos must be JPEG or PNG", errors=[FieldError("/file", "photos must be JPEG or PNG")]
        )
    ref = store.put(stream)
    photo = PersonPhoto(
        person_id=person.id,
        sha256=ref.sha256,
        size=ref.size,
        content_type=content_type,
        taken_at=utcnow(),
        recorded_by=actor.user_id,
    )
    session.add(photo)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type="person_photo",
        record_id=photo.id,
        detail={"person_id": str(person.id)},
    )
    return photo
