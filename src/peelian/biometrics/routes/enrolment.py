"""Enrolment API: enrol a ten-print set (images or ANSI/NIST-ITL), read its metadata, destroy it."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile

from peelian.auth.dependencies import Principal, Purpose, require
from peelian.auth.permissions import Permission
from peelian.biometrics.schemas.enrolment import EnrolmentDelete, EnrolmentRead, FingerRead
from peelian.biometrics.service import enrolment, gallery
from peelian.core.errors import FieldError, InvalidInput
from peelian.web.deps import DbSession, State

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/biometrics/enrolments", tags=["biometrics"])
Enroller = Annotated[Principal, Depends(require(Permission.BIO_ENROL))]
_FINGER_FIELD = re.compile(r"^finger_(\d{1,3})$")
# The bodies are read by dependencies (field names carry the finger code), so describe them here.
_MULTIPART_DOC: dict[str, object] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["person_id"],
                    "properties": {
                        "person_id": {"type": "string", "format": "uuid"},
                        "ppi": {"type": "number", "description": "default: the file's, else 500"},
                        **{
                            f"finger_{n}": {"type": "string", "format": "binary"}
                            for n in range(1, 11)
                        },
                    },
                }
            }
        },
    }
}
_AN2_DOC: dict[str, object] = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@dataclass(frozen=True)
class EnrolmentForm:
    """The multipart form of an image enrolment, read before the (synchronous) route runs."""

    person_id: uuid.UUID
    fingers: list[enrolment.FingerImageIn]


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(field, message)])


def _ppi(value: object) -> float | None:
    if value in (None, ""):
        return None
    try:
        ppi = float(str(value))
    except ValueError:
        raise _bad("/ppi", f"ppi {str(value)[:20]!r} is not a number") from None
    if not 150 <= ppi <= 2000:
        raise _bad("/ppi", f"ppi {ppi:g} is outside 150-2000")
    return ppi


async def enrolment_form(request: Request) -> EnrolmentForm:
    """Parse person_id, optional ppi (default: the file's, else 500) and finger_N files."""
    form = await request.form()
    raw_id = form.get("person_id")
    try:
        person_id = uuid.UUID(str(raw_id)) if isinstance(raw_id, str) else None
    except ValueError:
        person_id = None
    if person_id is None:
        raise _bad("/person_id", "person_id is required and must be a person id (a UUID)")
    ppi = _ppi(form.get("ppi"))
    fingers: list[enrolment.FingerImageIn] = []
    for key, value in form.multi_items():
        if key in ("person_id", "ppi"):
            continue
        match = _FINGER_FIELD.match(key)
        if match is None or not isinstance(value, UploadFile):
            raise _bad(
                f"/{key[:40]}",
                f"unknown field {key[:40]!r}: send one image file per finger as finger_N, "
                "N the NIST finger code 1-10 (finger_2 = right index)",
            )
        data = await value.read()
        fingers.append(enrolment.FingerImageIn(int(match.group(1)), data, ppi))
    return EnrolmentForm(person_id, fingers)


async def transaction_body(request: Request) -> bytes:
    """The raw ANSI/NIST-ITL transaction (application/octet-stream)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/octet-stream", "application/x-ansi-nist", ""):
        raise _bad("/", f"send the transaction as application/octet-stream, not {kind[:60]}")
    return await request.body()


def _read(view: enrolment.EnrolmentView) -> EnrolmentRead:
    e = view.enrolment
    return EnrolmentRead(
        person_id=e.person_id,
        version=e.version,
        source=e.source,
        control_number=e.control_number,
        enrolled_by=e.enrolled_by,
        enrolled_at=e.enrolled_at,
        fingers=[
            FingerRead(
                finger_position=f.finger_position,
                quality=f.quality,
                minutiae=f.minutiae,
                has_image=f.image_sha256 is not None,
            )
            for f in view.fingers
        ],
    )


@router.post("", response_model=EnrolmentRead, status_code=201, openapi_extra=_MULTIPART_DOC)
def enrol_images(
    session: DbSession,
    state: State,
    principal: Enroller,
    form: Annotated[EnrolmentForm, Depends(enrolment_form)],
) -> EnrolmentRead:
    """Enrol or re-enrol a person from one image per finger (multipart: finger_N files)."""
    view = enrolment.enrol_images(
        session,
        actor=principal.actor,
        store=state.blob_store,
        holder=gallery.gallery_for(state),
        person_id=form.person_id,
        fingers=form.fingers,
    )
    return _read(view)


@router.post("/ansi-nist", response_model=EnrolmentRead, status_code=201, openapi_extra=_AN2_DOC)
def enrol_transaction(
    session: DbSession,
    state: State,
    principal: Enroller,
    body: Annotated[bytes, Depends(transaction_body)],
) -> EnrolmentRead:
    """Enrol or re-enrol from an ANSI/NIST-ITL 1-2011 transaction (person id in Type-2 2.100)."""
    view = enrolment.enrol_transaction(
        session,
        actor=principal.actor,
        store=state.blob_store,
        holder=gallery.gallery_for(state),
        data=body,
    )
    return _read(view)


@router.get("/{person_id}", response_model=EnrolmentRead)
def read_enrolment(
    session: DbSession, principal: Enroller, purpose: Purpose, person_id: uuid.UUID
) -> EnrolmentRead:
    """A person's enrolment: fingers, quality, source and version (needs a stated purpose)."""
    view = enrolment.read_enrolment(
        session, actor=principal.actor, person_id=person_id, purpose=purpose
    )
    return _read(view)


@router.delete("/{person_id}", status_code=204)
def delete_enrolment(
    session: DbSession,
    state: State,
    principal: Enroller,
    person_id: uuid.UUID,
    delete_in: EnrolmentDelete,
) -> None:
    """Destroy a person's enrolled prints (JSON body with the reason); the gallery forgets them."""
    enrolment.unenrol(
        session,
        actor=principal.actor,
        store=state.blob_store,
        holder=gallery.gallery_for(state),
        person_id=person_id,
        reason=delete_in.reason,
    )
