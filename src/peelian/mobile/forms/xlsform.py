"""XLSForm (the ODK standard) → Peelian's compact form schema, checked before it is published.

pyxform reads the workbook and applies the XLSForm rules; this module maps its JSON form to
FormSchema, compiles every expression against the supported XPath subset and applies the
legal-completeness rules of the form's kind. Every problem is reported, not only the first.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from peelian.mobile.forms.expr import ExpressionError, compile_expr
from peelian.mobile.forms.legal import KINDS, kind_errors, templates_for
from peelian.mobile.forms.schema import Choice, FieldType, FormField, FormSchema

__all__ = ["FormDefinitionError", "parse_xlsform"]

_TYPES = {
    "text": FieldType.TEXT,
    "integer": FieldType.INTEGER,
    "int": FieldType.INTEGER,
    "decimal": FieldType.DECIMAL,
    "date": FieldType.DATE,
    "time": FieldType.TIME,
    "dateTime": FieldType.DATETIME,
    "select one": FieldType.SELECT_ONE,
    "select all that apply": FieldType.SELECT_MULTIPLE,
    "geopoint": FieldType.GEOPOINT,
    "photo": FieldType.IMAGE,
    "image": FieldType.IMAGE,
    "audio": FieldType.AUDIO,
    "note": FieldType.NOTE,
    "calculate": FieldType.CALCULATE,
    "group": FieldType.GROUP,
    "repeat": FieldType.REPEAT,
}
# Device metadata questions: the device fills them; the server keeps its own equivalents.
_METADATA = {"start", "end", "today", "deviceid", "username", "phonenumber", "email", "audit"}


class FormDefinitionError(ValueError):
    """The XLSForm cannot be published; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _label(value: Any) -> str:
    if isinstance(value, dict):  # translations: keep the default or the first language
        return str(value.get("default") or value.get("English (en)") or next(iter(value.values())))
    return "" if value is None else str(value)


def _required(value: Any) -> str | None:
    text = str(value).strip() if value not in (None, "") else ""
    if text.lower() in ("", "no", "false", "false()"):
        return None
    return "true()" if text.lower() in ("yes", "true", "true()") else text


def _field(node: dict[str, Any], problems: list[str]) -> FormField | None:
    kind, name = str(node.get("type", "")), str(node.get("name", ""))
    if kind in _METADATA or (kind == "group" and name == "meta"):
        return None
    if kind not in _TYPES:
        problems.append(f"{name}: the question type {kind!r} is not supported")
        return None
    bind, control = node.get("bind", {}) or {}, node.get("control", {}) or {}
    appearance = control.get("appearance")
    ftype = _TYPES[kind]
    if ftype is FieldType.IMAGE and appearance == "signature":
        ftype = FieldType.SIGNATURE
    children = [f for c in node.get("children", []) if (f := _field(c, problems)) is not None]
    return FormField(
        name=name,
        type=ftype,
        label=_label(node.get("label")),
        hint=_label(node.get("hint")),
        required=_required(bind.get("required")),
        required_message=_label(bind.get("jr:requiredMsg")) or None,
        relevant=bind.get("relevant") or None,
        constraint=bind.get("constraint") or None,
        constraint_message=_label(bind.get("jr:constraintMsg")) or None,
        calculation=bind.get("calculate") or None,
        readonly=str(bind.get("readonly", "")).lower() in ("yes", "true", "true()"),
        appearance=appearance,
        choices=[
            Choice(value=str(c["name"]), label=_label(c.get("label")))
            for c in node.get("choices", []) or []
        ],
        children=children,
    )


def _check_expressions(form: FormSchema, problems: list[str]) -> None:
    names = {f.name for f in form.walk()}
    for f in form.walk():
        for attr in ("required", "relevant", "constraint", "calculation"):
            text = getattr(f, attr)
            if not text:
                continue
            try:
                expr = compile_expr(text)
            except ExpressionError as exc:
                problems.append(f"{f.name}: {attr} {text!r}: {exc}")
                continue
            for ref in sorted(expr.refs - names):
                problems.append(f"{f.name}: {attr} refers to ${{{ref}}}, which is not a field")


def from_json_form(survey: dict[str, Any], *, kind: str) -> FormSchema:
    """Map pyxform's JSON form to FormSchema and check it; raises FormDefinitionError."""
    problems: list[str] = []
    if kind not in KINDS:
        problems.append(f"unknown form kind {kind!r}; use one of {', '.join(sorted(KINDS))}")
    fields = [f for c in survey.get("children", []) if (f := _field(c, problems)) is not None]
    version = str(survey.get("version") or "")
    if not version:
        problems.append("the settings sheet must give a version")
    form = FormSchema(
        form_id=str(survey.get("id_string") or survey.get("name")),
        version=version or "0",
        title=_label(survey.get("title")),
        kind=kind,
        fields=fields,
        templates=templates_for(kind),
    )
    _check_expressions(form, problems)
    problems.extend(kind_errors(form))
    if problems:
        raise FormDefinitionError(problems)
    return form


_PARSED: dict[tuple[str, str | None], FormSchema] = {}


def parse_xlsform(content: bytes, *, kind: str | None = None) -> FormSchema:
    """Read an .xlsx XLSForm; the kind comes from the argument or the form id's prefix."""
    key = (hashlib.sha256(content).hexdigest(), kind)
    if key not in _PARSED:  # pyxform takes a while; a workbook's meaning never changes
        _PARSED[key] = _parse(content, kind)
    return _PARSED[key]


def _parse(content: bytes, kind: str | None) -> FormSchema:
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "form.xlsx"
        path.write_bytes(content)
        try:
            survey = parse_file_to_json(str(path))
        except PyXFormError as exc:
            raise FormDefinitionError([str(exc).strip()]) from exc
        except Exception as exc:  # pyxform raises plain errors for unreadable workbooks
            raise FormDefinitionError([f"not a readable XLSForm workbook ({exc})"]) from exc
    form_id = str(survey.get("id_string") or "")
    guessed = next((k for k in sorted(KINDS, key=len, reverse=True) if form_id.startswith(k)), None)
    return from_json_form(survey, kind=kind or guessed or "generic")
