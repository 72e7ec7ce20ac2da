"""Reading the ten-print enrolment form (held in memory) and turning refusals into page errors.

The form carries one file input per NIST finger position (``finger_1`` … ``finger_10``) or one
ANSI/NIST-ITL transaction file; the service's field pointers (``/finger_7``, ``/fingers/7``,
``/type2/2.100``) are mapped to the ids of the inputs they concern, so each message in the GOV.UK
error summary links to the input the user must change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from peelian.biometrics import ansi_nist
from peelian.biometrics.pages._multipart import MemoryForm
from peelian.biometrics.service._capture import MIN_FINGERS, MIN_MINUTIAE, MIN_QUALITY
from peelian.biometrics.service.enrolment import FINGER_NAMES, PERSON_ID_FIELD, FingerImageIn
from peelian.core.errors import PeelianError

__all__ = [
    "FINGERS",
    "MIN_FINGERS",
    "MIN_MINUTIAE",
    "MIN_QUALITY",
    "EnrolRequest",
    "errors_of",
    "parse_person_id",
    "read_enrol_form",
    "transaction_person",
]

Errors = list[dict[str, str]]
# Input ids and labels, in NIST finger-code order: 1 right thumb … 10 left little.
FINGERS = {n: f"{n} {name.capitalize()}" for n, name in FINGER_NAMES.items()}
TEXT_FIELDS = ("person_id", "ppi", "confirm_replace")


@dataclass
class EnrolRequest:
    """What a valid form asks for: images per finger, or one transaction, for one person."""

    person_id: uuid.UUID
    fingers: list[FingerImageIn] = field(default_factory=list)
    transaction: bytes | None = field(default=None, repr=False)
    confirm_replace: bool = False


def parse_person_id(value: str, errors: Errors) -> uuid.UUID | None:
    """The person id typed or carried in the form; a bad one is an error against person_id."""
    value = value.strip()
    if not value:
        errors.append({"field": "person_id", "message": "Enter the records person id"})
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        message = "Person id must be a records person id, like 0193c6a4-…"
        errors.append({"field": "person_id", "message": message})
        return None


def _ppi(value: str, errors: Errors) -> float | None:
    if not value:
        return None
    try:
        ppi = float(value)
    except ValueError:
        errors.append({"field": "ppi", "message": "Resolution must be a number, like 500"})
        return None
    if not 150 <= ppi <= 2000:
        errors.append({"field": "ppi", "message": "Resolution must be between 150 and 2000 ppi"})
        return None
    return ppi


def read_enrol_form(form: MemoryForm) -> tuple[EnrolRequest | None, Errors]:
    """The enrolment asked for, or the page errors that stop it before the service is called."""
    errors: Errors = []
    person_id = parse_person_id(form.text("person_id"), errors)
    ppi = _ppi(form.text("ppi"), errors)
    images = {n: form.files[f"finger_{n}"] for n in FINGERS if f"finger_{n}" in form.files}
    transaction = form.files.get("transaction")
    if images and transaction is not None:
        message = "Upload either finger images or one ANSI/NIST-ITL transaction file, not both"
        errors.append({"field": "transaction", "message": message})
    elif not images and transaction is None:
        message = (
            f"Upload an image for at least {MIN_FINGERS} fingers, "
            "or one ANSI/NIST-ITL transaction file"
        )
        errors.append({"field": "finger_1", "message": message})
    if errors or person_id is None:
        return None, errors
    fingers = [FingerImageIn(n, data, ppi) for n, data in sorted(images.items())]
    confirm = form.text("confirm_replace") == "yes"
    return EnrolRequest(person_id, fingers, transaction, confirm), []


def transaction_person(data: bytes) -> uuid.UUID | None:
    """The person id a transaction names in Type-2 field 2.100, if it can be read at all.

    A malformed transaction gives None: the service then refuses it with the reason.
    """
    try:
        tx = ansi_nist.parse_transaction(data)
        return uuid.UUID(tx.type2.get(PERSON_ID_FIELD, "").strip())
    except (ansi_nist.AnsiNistError, ValueError):
        return None


def _input_of(pointer: str, *, from_transaction: bool) -> str:
    parts = pointer.strip("/").split("/")
    head = parts[0]
    if head.startswith("finger_") and head.removeprefix("finger_").isdigit():
        number = int(head.removeprefix("finger_"))
        return head if number in FINGERS else "finger_1"
    if head == "person_id":
        return "person_id"
    if head in ("fingers", "type2", "transaction") or from_transaction:
        return "transaction"
    return "finger_1"


def errors_of(exc: PeelianError, *, from_transaction: bool) -> Errors:
    """The service's refusal as error-summary entries, each linked to its input."""
    out: Errors = []
    for e in exc.errors:
        where = _input_of(e.field, from_transaction=from_transaction)
        # "/" carries only a short label; the detail says how many fingers were sent and needed.
        message = exc.detail if e.field.strip("/") == "" else e.message
        if where == "transaction" and not message.lower().startswith("finger"):
            message = f"Transaction file: {message}"
        message = message[:1].upper() + message[1:300]
        out.append({"field": where, "message": message})
    field = "transaction" if from_transaction else "finger_1"
    return out or [{"field": field, "message": exc.detail[:300]}]
