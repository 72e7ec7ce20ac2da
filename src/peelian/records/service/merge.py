"""Merging duplicate people, reversibly: the duplicate points at the survivor until unmerged."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import Conflict, FieldError, InvalidInput, NotFound
from peelian.core.time import utcnow
from peelian.records.models import PersonMerge
from peelian.records.repository import people as repo
from peelian.records.schemas import MergeCreate

__all__ = ["merge_people", "unmerge"]


def merge_people(
    session: Session, *, actor: Actor, survivor_id: uuid.UUID, merge_in: MergeCreate
) -> PersonMerge:
    """Fold a duplicate record into the survivor; nothing is deleted, so it can be undone."""
    if merge_in.duplicate_id == survivor_id:
        message = "a record cannot be merged into itself"
        raise InvalidInput(message, errors=[FieldError("/duplicate_id", message)])
    survivor = repo.get_person(session, survivor_id)
    duplicate = repo.get_person(session, merge_in.duplicate_id)
    if survivor is None:
        raise NotFound("no such person")
    if duplicate is None:
        message = "no person has this id"
        raise InvalidInput(message, errors=[FieldError("/duplicate_id", message)])
    if survivor.merged_into_id is not None:
        raise Conflict("this record is itself merged into another; merge into that one")
    if duplicate.merged_into_id is not None:
        raise Conflict("the duplicate is already merged into another record")
    if repo.merged_into(session, duplicate.id):
        raise Conflict("other records are merged into the duplicate; unmerge them first")
    duplicate.merged_into_id = survivor.id
    merge = PersonMerge(
        survivor_id=survivor.id,
        duplicate_id=duplicate.id,
        reason=merge_in.reason,
        merged_by=actor.user_id,
        merged_at=utcnow(),
    )
    session.add(merge)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="person_merge",
        record_id=merge.id,
        detail={"survivor_id": str(survivor.id), "duplicate_id": str(duplicate.id)},
    )
    return merge


def unmerge(session: Session, *, actor: Actor, merge_id: uuid.UUID) -> PersonMerge:
    """Undo a merge: the duplicate stands on its own again with everything it had."""
    merge = repo.get_merge(session, merge_id)
    if merge is None:
        raise NotFound("no such merge")
    if merge.undone_at is not None:
        raise Conflict("this merge has already been undone")
    duplicate = repo.get_person(session, merge.duplicate_id)
    if duplicate is not None:
        duplicate.merged_into_id = None
    merge.undone_at = utcnow()
    merge.undone_by = actor.user_id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.UPDATE,
        record_type="person_merge",
        record_id=merge.id,
        detail={"undone": True},
    )
    return merge
