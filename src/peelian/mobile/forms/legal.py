"""Legal-completeness rules per form kind that no published form version may drop.

A form of a known kind must contain these fields and make them required (a relevance condition
may gate them, e.g. grounds apply unless a no-suspicion power was used). The s.9 declaration is
versioned template text, hashed into the witness's signature envelope.
"""

from __future__ import annotations

import hashlib
from typing import Any

from peelian.mobile.forms.schema import FormSchema, TemplateRef
from peelian.records.service import statements

__all__ = [
    "KINDS",
    "LEGAL_FIELDS",
    "S9_DECLARATION",
    "envelope_sha256",
    "kind_errors",
    "submission_errors",
    "templates_for",
]

# Code A para 4.3 and the Best Use of Stop and Search Scheme; MG11 front and rear; APP missing
# persons (every risk answer with its source and time); vehicle stops (RTA 1988 s.163).
LEGAL_FIELDS: dict[str, tuple[str, ...]] = {
    "stop_search": (
        "sde",
        "search_datetime",
        "location",
        "object_of_search",
        "power",
        "grounds",
        "officer_id",
        "outcome",
        "outcome_linked",
        "receipt_offered",
    ),
    "mg11": (
        "witness_name",
        "age_band",
        "occupation",
        "page_count",
        "statement",
        "declaration_sha256",
        "envelope_sha256",
        "witness_signature",
        "signed_at",
        "dates_to_avoid",
    ),
    "incident": ("occurred_at", "location", "incident_type", "summary"),
    "missing_person": (
        "person_name",
        "last_seen_at",
        "last_seen_location",
        "risk_grade",
        "risk_item",
        "risk_answer",
        "risk_source",
        "risk_obtained_at",
    ),
    "vehicle_stop": ("vrm", "stop_datetime", "location", "reason", "outcome"),
}
KINDS = frozenset(LEGAL_FIELDS) | {"generic"}

# The declaration printed on the MG11 (s.9(2)(b) CJA 1967; CrimPR r.16.2), word for word and
# punctuation included, with the page count as a placeholder the form fills in. The witness signs
# the filled-in text; the record hashes exactly that text and binds it to the signature image
# (peelian.records.service.statements). A change of wording is a new template version.
S9_DECLARATION = TemplateRef(
    name="mg11-s9-declaration",
    version=1,
    text=(
        "This statement (consisting of {page_count} page(s) each signed by me) is true to the "
        "best of my knowledge and belief and I make it knowing that, if it is tendered in "
        "evidence, I shall be liable to prosecution if I have wilfully stated in it anything "
        "which I know to be false, or do not believe to be true."
    ),
    sha256=hashlib.sha256(
        b"This statement (consisting of {page_count} page(s) each signed by me) is true to the "
        b"best of my knowledge and belief and I make it knowing that, if it is tendered in "
        b"evidence, I shall be liable to prosecution if I have wilfully stated in it anything "
        b"which I know to be false, or do not believe to be true."
    ).hexdigest(),
)


def templates_for(kind: str) -> list[TemplateRef]:
    """The template texts a form of this kind carries."""
    return [S9_DECLARATION] if kind == "mg11" else []


def kind_errors(form: FormSchema) -> list[str]:
    """Publish-time problems: legal fields missing or not required."""
    problems = []
    for name in LEGAL_FIELDS.get(form.kind, ()):
        field = form.field_named(name)
        if field is None:
            problems.append(f"a {form.kind} form must have the field {name!r}")
        elif field.required is None and field.type.value not in ("calculate", "repeat"):
            problems.append(f"the field {name!r} must be required on a {form.kind} form")
    return problems


def envelope_sha256(
    declaration_sha256: str, page_count: int | str, statement: str, signed_at: str
) -> str:
    """The hash the witness's signature is bound to: declaration, page count, text and time.

    One definition, the records one, so a statement re-verifies in records exactly as it was
    checked when it arrived.
    """
    return statements.envelope_sha256(declaration_sha256, page_count, statement, signed_at)


def submission_errors(form: FormSchema, data: dict[str, Any]) -> list[tuple[str, str]]:
    """Kind-specific checks on valid data: (field, message) pairs."""
    if form.kind != "mg11":
        return []
    errors = []
    declaration = next((t for t in form.templates if t.name == S9_DECLARATION.name), None)
    if declaration is None or data.get("declaration_sha256") != declaration.sha256:
        errors.append(
            ("declaration_sha256", "does not match the published s.9 declaration; pull forms")
        )
    expected = envelope_sha256(
        str(data.get("declaration_sha256", "")),
        str(data.get("page_count", "")),
        str(data.get("statement", "")),
        str(data.get("signed_at", "")),
    )
    if data.get("envelope_sha256") != expected:
        errors.append(
            (
                "envelope_sha256",
                "does not bind the declaration, page count, statement and time (v2)",
            )
        )
    return errors
