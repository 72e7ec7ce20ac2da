"""Peelian's compact form schema: what the server validates against and devices render.

Built from an XLSForm at publish time (forms/xlsform.py) and stored as JSON with the version.
Groups are transparent in submitted data (their fields sit beside their siblings); a repeat's
value is a list of objects, one per instance.
"""

from __future__ import annotations

import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ATTACHMENT_TYPES", "Choice", "FieldType", "FormField", "FormSchema", "TemplateRef"]


class FieldType(enum.StrEnum):
    """Question types the server can validate."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    GEOPOINT = "geopoint"
    IMAGE = "image"
    AUDIO = "audio"
    SIGNATURE = "signature"
    NOTE = "note"
    CALCULATE = "calculate"
    GROUP = "group"
    REPEAT = "repeat"


ATTACHMENT_TYPES = frozenset({FieldType.IMAGE, FieldType.AUDIO, FieldType.SIGNATURE})


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Frozen):
    """One option of a select question."""

    value: str
    label: str


class FormField(_Frozen):
    """One question, note, calculation, group or repeat."""

    name: str
    type: FieldType
    label: str = ""
    hint: str = ""
    required: str | None = None  # "true()" or an expression
    required_message: str | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: str | None = None
    calculation: str | None = None
    readonly: bool = False
    appearance: str | None = None
    choices: list[Choice] = Field(default_factory=list)
    children: list[FormField] = Field(default_factory=list)


class TemplateRef(_Frozen):
    """Versioned legal text shown to the person (e.g. the s.9 declaration), bound by its hash."""

    name: str
    version: int
    text: str
    sha256: str


class FormSchema(_Frozen):
    """A published form version, compact."""

    schema_version: int = 1
    form_id: str
    version: str
    title: str
    kind: str
    fields: list[FormField]
    templates: list[TemplateRef] = Field(default_factory=list)

    def walk(self) -> list[FormField]:
        """Every field, depth first."""
        out: list[FormField] = []

        def visit(fields: list[FormField]) -> None:
            for f in fields:
                out.append(f)
                visit(f.children)

        visit(self.fields)
        return out

    def field_named(self, name: str) -> FormField | None:
        """The field of that name, anywhere in the form."""
        return next((f for f in self.walk() if f.name == name), None)

    def summary(self) -> dict[str, Any]:
        """Id, version, title and kind."""
        return {"form_id": self.form_id, "version": self.version, "title": self.title}
