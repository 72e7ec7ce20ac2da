"""People API: search, create, read, edit, flags, photos, merges and the person check."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, UploadFile

from peelian.auth.dependencies import Principal, Purpose, require
from peelian.auth.permissions import Permission
from peelian.core.errors import InvalidInput
from peelian.records.routes._convert import check_read, person_read
from peelian.records.schemas import (
    CheckRead,
    FlagCreate,
    FlagRead,
    MergeCreate,
    MergeRead,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    SearchHit,
    SearchPage,
)
from peelian.records.service import check, flags, merge, people, search
from peelian.web.deps import DbSession, State

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/people", tags=["people"])
Reader = Annotated[Principal, Depends(require(Permission.PEOPLE_READ))]
Writer = Annotated[Principal, Depends(require(Permission.PEOPLE_WRITE))]


@router.get("", response_model=SearchPage)
def search_people(
    session: DbSession,
    principal: Reader,
    purpose: Purpose,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchPage:
    """Ranked people matching a name and optional date or year of birth."""
    results, total = search.search_people(
        session, actor=principal.actor, q=q, purpose=purpose, page=page, page_size=page_size
    )
    items = [
        SearchHit(
            person_id=r.person.id,
            given_names=r.person.given_names,
            family_name=r.person.family_name,
            date_of_birth=r.person.date_of_birth,
            matched_name=r.matched_name,
            score=r.score,
        )
        for r in results
    ]
    return SearchPage(total=total, page=page, page_size=page_size, items=items)


@router.post("", response_model=PersonRead, status_code=201)
def create_person(session: DbSession, principal: Writer, person_in: PersonCreate) -> PersonRead:
    """Create a nominal record."""
    person = people.create_person(session, actor=principal.actor, person_in=person_in)
    return person_read(people.view_person(session, person.id))


@router.get("/{person_id}", response_model=PersonRead)
def read_person(
    session: DbSession, principal: Reader, purpose: Purpose, person_id: uuid.UUID
) -> PersonRead:
    """Everything held on a person (needs a stated purpose)."""
    view = people.read_person(session, actor=principal.actor, person_id=person_id, purpose=purpose)
    return person_read(view)


@router.patch("/{person_id}", response_model=PersonRead)
def update_person(
    session: DbSession, principal: Writer, person_id: uuid.UUID, person_in: PersonUpdate
) -> PersonRead:
    """Edit a person; lists given replace the stored ones."""
    people.update_person(session, actor=principal.actor, person_id=person_id, person_in=person_in)
    return person_read(people.view_person(session, person_id))


@router.get("/{person_id}/check", response_model=CheckRead)
def check_person(
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.PERSON_CHECK))],
    purpose: Purpose,
    person_id: uuid.UUID,
) -> CheckRead:
    """The roadside check: RED, AMBER or GREEN with reasons, officer safety first."""
    result = check.check_person(
        session, actor=principal.actor, person_id=person_id, purpose=purpose
    )
    return check_read(result)


@router.post("/{person_id}/flags", response_model=FlagRead, status_code=201)
def add_flag(
    session: DbSession, principal: Writer, person_id: uuid.UUID, flag_in: FlagCreate
) -> FlagRead:
    """Record a warning marker or status (wanted, warrant, bail, recall, missing, licence)."""
    flag = flags.add_flag(session, actor=principal.actor, person_id=person_id, flag_in=flag_in)
    return FlagRead.model_validate(flag).model_copy(update={"current": True})


@router.post("/{person_id}/flags/{flag_id}/cancel", response_model=FlagRead)
def cancel_flag(
    session: DbSession, principal: Writer, person_id: uuid.UUID, flag_id: uuid.UUID
) -> FlagRead:
    """Cancel a flag; it stops counting at once."""
    flag = flags.cancel_flag(session, actor=principal.actor, person_id=person_id, flag_id=flag_id)
    return FlagRead.model_validate(flag)


@router.post("/{person_id}/photos", status_code=201)
def add_photo(
    session: DbSession,
    state: State,
    principal: Writer,
    person_id: uuid.UUID,
    file: UploadFile,
) -> dict[str, object]:
    """Attach a JPEG or PNG photograph (stored by content hash)."""
    if state.blob_store is None:
        raise InvalidInput("photo storage is not configured")
    photo = people.add_photo(
        session,
        actor=principal.actor,
        person_id=person_id,
        store=state.blob_store,
        stream=file.file,
        content_type=file.content_type or "",
    )
    return {"id": str(photo.id), "sha256": photo.sha256, "size": photo.size}


@router.post("/{person_id}/merges", response_model=MergeRead, status_code=201)
def merge_people(
    session: DbSession, principal: Writer, person_id: uuid.UUID, merge_in: MergeCreate
) -> MergeRead:
    """Fold a duplicate record into this one (reversible)."""
    done = merge.merge_people(
        session, actor=principal.actor, survivor_id=person_id, merge_in=merge_in
    )
    return MergeRead.model_validate(done)


@router.post("/merges/{merge_id}/undo", response_model=MergeRead)
def undo_merge(session: DbSession, principal: Writer, merge_id: uuid.UUID) -> MergeRead:
    """Undo a merge."""
    return MergeRead.model_validate(
        merge.unmerge(session, actor=principal.actor, merge_id=merge_id)
    )
