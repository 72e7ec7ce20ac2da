"""Check then apply each kind of operation. Checks never write; applies never refuse.

Every check of a batch runs before anything is written, so a refused batch changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from peelian.auth.models import User
from peelian.core.errors import FieldError, PeelianError
from peelian.mobile import repository
from peelian.mobile.errors import (
    AttachmentTooLarge,
    FormVersionRetired,
    FormVersionUnknown,
    OperationInvalid,
    problem,
)
from peelian.mobile.forms.service import compiled_by_id
from peelian.mobile.models import (
    Attachment,
    Draft,
    FormStatus,
    NotebookEntry,
    Submission,
    SubmissionStatus,
    SyncConflict,
)
from peelian.mobile.notebook import service as notebook
from peelian.mobile.schemas import DraftPayload, NotebookPayload, Operation, SubmissionPayload
from peelian.mobile.sync.changes import ChangeIn, officer_bucket, team_bucket

__all__ = ["Batch", "Outcome", "apply_batch", "check_batch"]

PAYLOADS: dict[str, type[BaseModel]] = {
    "submission.create": SubmissionPayload,
    "notebook.append": NotebookPayload,
    "draft.save": DraftPayload,
}


@dataclass
class Outcome:
    """What applying an op did: its receipt status and the record it made or touched."""

    status: str = "applied"
    record_id: uuid.UUID | None = None


@dataclass
class Batch:
    """A checked batch: parsed payloads and what checking learned."""

    user: User
    device_id: uuid.UUID
    ops: list[Operation]
    payloads: list[Any] = field(default_factory=list)
    forms: dict[tuple[str, str], repository.VersionRef] = field(default_factory=dict)
    cleaned: dict[int, dict[str, Any]] = field(default_factory=dict)
    duplicates: set[uuid.UUID] = field(default_factory=set)


def _fail(
    cls: type[PeelianError],
    op: Operation,
    i: int,
    detail: str,
    action: str,
    errors: list[FieldError] | None = None,
) -> PeelianError:
    return problem(
        cls,
        f"operation seq {op.seq}: {detail}",
        action,
        seq=op.seq,
        op_id=str(op.id),
        errors=errors or [],
    )


def check_batch(session: Session, batch: Batch, *, max_attachment_bytes: int) -> None:
    """Parse and check every op; raise the first typed problem, with every field error."""
    for i, op in enumerate(batch.ops):
        try:
            batch.payloads.append(PAYLOADS[op.kind].model_validate(op.payload))
        except ValidationError as exc:
            errors = [
                FieldError(f"/ops/{i}/payload/" + "/".join(str(p) for p in e["loc"]), e["msg"])
                for e in exc.errors()
            ]
            raise _fail(OperationInvalid, op, i, "the payload is not valid", "fix", errors) from exc
    subs = [(i, p) for i, p in enumerate(batch.payloads) if isinstance(p, SubmissionPayload)]
    if subs:
        _check_submissions(session, batch, subs, max_attachment_bytes)
    notes = [(i, p) for i, p in enumerate(batch.payloads) if isinstance(p, NotebookPayload)]
    if notes:
        _check_notes(session, batch, notes)


def _check_submissions(
    session: Session, batch: Batch, subs: list[tuple[int, SubmissionPayload]], max_bytes: int
) -> None:
    keys = sorted({(p.form_id, p.form_version) for _, p in subs})
    batch.forms = {(v.form_id, v.version): v for v in repository.version_refs(session, keys)}
    batch.duplicates |= repository.existing_ids(
        session, Submission, [p.submission_id for _, p in subs]
    )
    for i, p in subs:
        op = batch.ops[i]
        version = batch.forms.get((p.form_id, p.form_version))
        if version is None:
            raise _fail(
                FormVersionUnknown,
                op,
                i,
                f"form {p.form_id} version {p.form_version} was never published",
                "pull",
            )
        if version.status is FormStatus.RETIRED:
            raise _fail(
                FormVersionRetired,
                op,
                i,
                f"form {p.form_id} version {p.form_version} is retired; fill the current version",
                "fix",
            )
        if p.submission_id in batch.duplicates:
            continue
        for a in p.attachments:
            if a.size > max_bytes:
                raise _fail(
                    AttachmentTooLarge,
                    op,
                    i,
                    f"attachment {a.name} is {a.size} bytes; the limit is {max_bytes}",
                    "fix",
                )
        result = compiled_by_id(session, version.id).validate(p.data)
        declared = {a.name for a in p.attachments}
        for name in sorted(result.attachments - declared):
            result.errors.append(("/data", f"refers to attachment {name!r}, not declared"))
        if result.errors:
            errors = [FieldError(f"/ops/{i}/payload{f}", m) for f, m in result.errors]
            raise _fail(
                OperationInvalid,
                op,
                i,
                f"{errors[0].field.split('/payload')[1]} {errors[0].message}",
                "fix",
                errors,
            )
        batch.cleaned[i] = result.data


def _check_notes(session: Session, batch: Batch, notes: list[tuple[int, NotebookPayload]]) -> None:
    batch.duplicates |= repository.existing_ids(
        session, NotebookEntry, [p.entry_id for _, p in notes]
    )
    fresh = [(i, p) for i, p in notes if p.entry_id not in batch.duplicates]
    problems = notebook.prepare_entries(
        session, officer_id=batch.user.id, payloads=[p for _, p in fresh]
    )
    if problems:
        where, message = problems[0]
        index = fresh[int(where.split("/")[0])][0]
        errors = [FieldError(f"/ops/{index}/payload/{where.split('/', 1)[1]}", message)]
        raise _fail(OperationInvalid, batch.ops[index], index, message, "fix", errors)


def apply_batch(
    session: Session,
    batch: Batch,
    *,
    now: datetime,
    blob_exists: Callable[[str], bool],
) -> tuple[list[Outcome], list[ChangeIn]]:
    """Write a checked batch; returns one outcome per op and the changes devices will pull."""
    outcomes = [Outcome() for _ in batch.ops]
    changes: list[ChangeIn] = []
    subs: list[dict[str, Any]] = []
    atts: list[dict[str, Any]] = []
    notes: list[tuple[int, NotebookPayload]] = []
    for i, p in enumerate(batch.payloads):
        if isinstance(p, SubmissionPayload):
            outcomes[i].record_id = p.submission_id
            if p.submission_id in batch.duplicates:
                outcomes[i].status = "duplicate"
                continue
            row, rows_a = _submission_rows(batch, i, p, now, blob_exists)
            subs.append(row)
            atts.extend(rows_a)
            changes.append(_submission_change(batch.user.id, row))
        elif isinstance(p, NotebookPayload):
            outcomes[i].record_id = p.entry_id
            if p.entry_id in batch.duplicates:
                outcomes[i].status = "duplicate"
            else:
                notes.append((i, p))
        elif isinstance(p, DraftPayload):
            outcomes[i] = _apply_draft(session, batch, i, p, now, changes)
    repository.insert_rows(session, Submission, subs)
    repository.insert_rows(session, Attachment, atts)
    if notes:
        notebook.append_entries(
            session,
            officer_id=batch.user.id,
            device_id=batch.device_id,
            payloads=[p for _, p in notes],
            server_time=now,
        )
    return outcomes, changes


def _submission_rows(
    batch: Batch, i: int, p: SubmissionPayload, now: datetime, blob_exists: Callable[[str], bool]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    version = batch.forms[(p.form_id, p.form_version)]
    rows_a = [
        {
            "id": uuid.uuid4(),
            "submission_id": p.submission_id,
            "name": a.name,
            "sha256": a.sha256,
            "size": a.size,
            "content_type": a.content_type,
            "received_at": now if blob_exists(a.sha256) else None,
        }
        for a in p.attachments
    ]
    waiting = any(r["received_at"] is None for r in rows_a)
    row = {
        "id": p.submission_id,
        "form_version_id": version.id,
        "form_id": p.form_id,
        "kind": version.kind,
        "officer_id": batch.user.id,
        "device_id": batch.device_id,
        "team": batch.user.team,
        "data": batch.cleaned[i],
        "started_at": p.started_at.astimezone(UTC) if p.started_at else None,
        "completed_at": p.completed_at.astimezone(UTC),
        "received_at": now,
        "status": (
            SubmissionStatus.AWAITING_ATTACHMENTS if waiting else SubmissionStatus.SUBMITTED
        ),
        "replaces": p.replaces,
    }
    return row, rows_a


def _submission_change(officer_id: uuid.UUID, row: dict[str, Any]) -> ChangeIn:
    return ChangeIn(
        bucket=officer_bucket(officer_id),
        record_type="submission",
        record_id=str(row["id"]),
        data={"form_id": row["form_id"], "status": row["status"].value, "comments": None},
    )


def _apply_draft(
    session: Session, batch: Batch, i: int, p: DraftPayload, now: datetime, changes: list[ChangeIn]
) -> Outcome:
    draft = session.get(Draft, p.draft_id)
    user = batch.user
    if draft is None and p.base_version == 0:
        draft = Draft(
            id=p.draft_id,
            form_id=p.form_id,
            team=user.team,
            version=1,
            data=p.data,
            updated_by=user.id,
            updated_at=now,
        )
        session.add(draft)
    elif draft is not None and draft.version == p.base_version:
        draft.data, draft.version, draft.updated_by, draft.updated_at = (
            p.data,
            draft.version + 1,
            user.id,
            now,
        )
    else:
        server_version, server_data = (draft.version, dict(draft.data)) if draft else (0, {})
        if draft is None:  # the device's base is unknown here: hold an empty version 0
            session.add(
                Draft(
                    id=p.draft_id,
                    form_id=p.form_id,
                    team=user.team,
                    version=0,
                    data={},
                    updated_by=user.id,
                    updated_at=now,
                )
            )
            session.flush()
        session.add(
            SyncConflict(
                draft_id=p.draft_id,
                op_id=batch.ops[i].id,
                device_id=batch.device_id,
                officer_id=user.id,
                base_version=p.base_version,
                server_version=server_version,
                server_data=server_data,
                device_data=p.data,
                status="open",
                created_at=now,
            )
        )
        session.flush()
        return Outcome("conflict", p.draft_id)
    session.flush()
    if user.team:
        changes.append(
            ChangeIn(
                team_bucket(user.team),
                "draft",
                str(draft.id),
                {"version": draft.version, "data": draft.data},
            )
        )
    return Outcome("applied", p.draft_id)
