"""Publishing, retiring and looking up form versions; validators are compiled once per version."""

from __future__ import annotations

import hashlib
import io
import uuid
from importlib import resources

from sqlalchemy.orm import Session

from peelian.core.audit import Actor, AuditAction
from peelian.core.audit import record as audit
from peelian.core.errors import Conflict, FieldError, InvalidInput, NotFound
from peelian.core.storage import BlobStore
from peelian.core.time import utcnow
from peelian.mobile import repository
from peelian.mobile.forms.library import FORMS
from peelian.mobile.forms.schema import FormSchema
from peelian.mobile.forms.validate import CompiledForm
from peelian.mobile.forms.xlsform import FormDefinitionError, parse_xlsform
from peelian.mobile.models import FormStatus, FormVersion
from peelian.mobile.sync.changes import ChangeIn, publish_changes

__all__ = [
    "builtin_xlsform",
    "compiled",
    "compiled_by_id",
    "list_versions",
    "publish",
    "publish_builtin",
    "retire",
]

MAX_XLSFORM_BYTES = 2 * 1024 * 1024


_COMPILED: dict[uuid.UUID, CompiledForm] = {}


def compiled(version: FormVersion) -> CompiledForm:
    """The version's validator, compiled once per process (a version's schema never changes)."""
    found = _COMPILED.get(version.id)
    if found is None:
        found = CompiledForm(FormSchema.model_validate(version.schema))
        if len(_COMPILED) > 512:
            _COMPILED.clear()
        _COMPILED[version.id] = found
    return found


def compiled_by_id(session: Session, version_id: uuid.UUID) -> CompiledForm:
    """A version's validator by id; its schema is read only the first time in this process."""
    found = _COMPILED.get(version_id)
    if found is not None:
        return found
    (version,) = [v for v in repository.form_versions(session) if v.id == version_id]
    return compiled(version)


def _change(version: FormVersion) -> ChangeIn:
    return ChangeIn(
        bucket="forms",
        record_type="form_version",
        record_id=str(version.id),
        data={"status": version.status.value, "schema": version.schema},
    )


def publish(
    session: Session,
    *,
    actor: Actor,
    content: bytes,
    kind: str | None = None,
    blob_store: BlobStore | None = None,
) -> FormVersion:
    """Check an XLSForm and publish it as a new version; every problem is reported at once."""
    if len(content) > MAX_XLSFORM_BYTES:
        raise InvalidInput("the XLSForm file is larger than 2 MiB")
    try:
        form = parse_xlsform(content, kind=kind)
    except FormDefinitionError as exc:
        raise InvalidInput(
            f"the XLSForm cannot be published: {exc.problems[0]}",
            errors=[FieldError("/file", p) for p in exc.problems],
            extra={"action": "fix"},
        ) from exc
    if repository.form_versions(session, [(form.form_id, form.version)]):
        raise Conflict(
            f"{form.form_id} version {form.version} is already published; give a new version"
        )
    sha = hashlib.sha256(content).hexdigest()
    if blob_store is not None:
        blob_store.put(io.BytesIO(content), expected_sha256=sha)
    version = FormVersion(
        form_id=form.form_id,
        version=form.version,
        kind=form.kind,
        title=form.title,
        schema=form.model_dump(mode="json"),
        source_sha256=sha,
        published_by=actor.user_id,
        published_at=utcnow(),
    )
    session.add(version)
    session.flush()
    publish_changes(session, [_change(version)])
    audit(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        record_type="form_version",
        record_id=version.id,
    )
    return version


def retire(session: Session, *, actor: Actor, form_id: str, version: str) -> FormVersion:
    """Stop accepting new submissions against a version."""
    found = repository.form_versions(session, [(form_id, version)])
    if not found:
        raise NotFound(f"no published form {form_id} version {version}")
    row = found[0]
    if row.status is not FormStatus.RETIRED:
        row.status, row.retired_at = FormStatus.RETIRED, utcnow()
        publish_changes(session, [_change(row)])
        audit(
            session,
            actor=actor,
            action=AuditAction.UPDATE,
            record_type="form_version",
            record_id=row.id,
            detail={"status": "retired"},
        )
    return row


def list_versions(session: Session, *, live_only: bool = True) -> list[FormVersion]:
    """Form versions (published only, unless asked)."""
    return repository.form_versions(session, live_only=live_only)


def builtin_xlsform(name: str) -> bytes:
    """The bytes of a shipped XLSForm."""
    if name not in FORMS:
        raise NotFound(f"no built-in form {name!r}")
    return (resources.files("peelian.mobile.forms") / "data" / f"{name}.xlsx").read_bytes()


def publish_builtin(
    session: Session, *, actor: Actor, blob_store: BlobStore | None = None
) -> list[FormVersion]:
    """Publish every shipped form whose version is not yet published."""
    out = []
    for name in FORMS:
        content = builtin_xlsform(name)
        form = parse_xlsform(content)
        if not repository.form_versions(session, [(form.form_id, form.version)]):
            out.append(publish(session, actor=actor, content=content, blob_store=blob_store))
    return out
