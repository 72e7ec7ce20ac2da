"""JSON API for forms: list and fetch published versions, publish an XLSForm, retire a version."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile

from peelian.auth.dependencies import Principal, require
from peelian.auth.permissions import Permission
from peelian.core.errors import NotFound
from peelian.mobile import repository
from peelian.mobile.forms import service
from peelian.mobile.schemas import FormVersionRead
from peelian.web.deps import DbSession, State

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/mobile/forms", tags=["mobile forms"])
Publisher = Annotated[Principal, Depends(require(Permission.FORMS_PUBLISH))]


@router.get("", response_model=list[FormVersionRead])
def list_forms(
    _principal: Annotated[Principal, Depends(require(Permission.FORMS_SUBMIT))],
    session: DbSession,
) -> list[FormVersionRead]:
    """Published form versions."""
    return [FormVersionRead.model_validate(v) for v in service.list_versions(session)]


@router.get("/{form_id}/versions/{version}")
def get_form(
    form_id: str,
    version: str,
    _principal: Annotated[Principal, Depends(require(Permission.FORMS_SUBMIT))],
    session: DbSession,
) -> dict[str, Any]:
    """A version's compact schema, as devices render it."""
    found = repository.form_versions(session, [(form_id, version)])
    if not found:
        raise NotFound(f"no form {form_id} version {version}")
    return {"status": found[0].status.value, "schema": found[0].schema}


@router.post("", response_model=FormVersionRead, status_code=201)
async def publish(
    principal: Publisher,
    session: DbSession,
    state: State,
    file: Annotated[UploadFile, File(description="XLSForm .xlsx")],
    kind: Annotated[str | None, Form()] = None,
) -> FormVersionRead:
    """Publish an XLSForm as a new version (every problem listed if it cannot be)."""
    content = await file.read(service.MAX_XLSFORM_BYTES + 1)
    version = service.publish(
        session, actor=principal.actor, content=content, kind=kind, blob_store=state.blob_store
    )
    return FormVersionRead.model_validate(version)


@router.post("/{form_id}/versions/{version}/retire", response_model=FormVersionRead)
def retire(form_id: str, version: str, principal: Publisher, session: DbSession) -> FormVersionRead:
    """Refuse new submissions against this version from now on."""
    return FormVersionRead.model_validate(
        service.retire(session, actor=principal.actor, form_id=form_id, version=version)
    )
