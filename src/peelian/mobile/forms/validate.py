"""Server-side re-validation of a submission against its published form version.

Relevance, required, types, choices, constraints and calculations are evaluated here exactly
as the device should have; the device's own checks are never trusted. Non-relevant answers are
removed (as ODK does) and calculations are recomputed by the server.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from peelian.mobile.forms.expr import Expr, Scope, compile_expr, truthy
from peelian.mobile.forms.legal import submission_errors
from peelian.mobile.forms.schema import ATTACHMENT_TYPES, FieldType, FormField, FormSchema

__all__ = ["CompiledForm", "ValidationResult"]

MAX_TEXT = 20_000
_ATTRS = ("relevant", "calculation", "required", "constraint")
_GEO = re.compile(
    r"^\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)(?:\s+(-?\d+(?:\.\d+)?))?"
    r"(?:\s+(\d+(?:\.\d+)?))?\s*$"
)


@dataclass
class ValidationResult:
    """The cleaned data, the attachment names it references and every problem found."""

    data: dict[str, Any]
    attachments: set[str] = field(default_factory=set)
    errors: list[tuple[str, str]] = field(default_factory=list)


Check = Callable[[Any], tuple[Any, str | None]]
_PARSERS: dict[FieldType, Callable[[str], Any]] = {
    FieldType.DATE: date.fromisoformat,
    FieldType.TIME: time.fromisoformat,
    FieldType.DATETIME: datetime.fromisoformat,
}


def _text(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return value, "must be text"
    return value, "is too long" if len(value) > MAX_TEXT else None


def _integer(value: Any) -> tuple[Any, str | None]:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return value, None if ok else "must be a whole number"


def _decimal(value: Any) -> tuple[Any, str | None]:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return value, None if ok else "must be a number"


def _geopoint(value: Any) -> tuple[Any, str | None]:
    m = _GEO.match(value) if isinstance(value, str) else None
    if m is None or abs(float(m[1])) > 90 or abs(float(m[2])) > 180:
        return value, "must be 'latitude longitude [altitude accuracy]'"
    return value, None


def _any(value: Any) -> tuple[Any, str | None]:
    return value, None


def _temporal(t: FieldType) -> Check:
    parse = _PARSERS[t]

    def check(value: Any) -> tuple[Any, str | None]:
        try:
            parsed = parse(str(value))
        except ValueError:
            return value, f"must be an ISO 8601 {t.value}"
        if t is FieldType.DATETIME and getattr(parsed, "tzinfo", None) is None:
            return value, "must include its time-zone offset"
        return value, None

    return check


def _select(t: FieldType, allowed: frozenset[str]) -> Check:
    if t is FieldType.SELECT_ONE:
        return lambda v: (v, None if isinstance(v, str) and v in allowed else "is not an option")

    def multiple(value: Any) -> tuple[Any, str | None]:
        items = value.split() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            return value, "must be a list of options"
        bad = [v for v in items if v not in allowed]
        return items, f"has options that do not exist: {', '.join(bad)}" if bad else None

    return multiple


def _checker(f: FormField) -> Check:
    """The type check of one field, built once per form version: (cleaned value, problem)."""
    t = f.type
    if t is FieldType.TEXT or t in ATTACHMENT_TYPES:
        return _text
    if t in _PARSERS:
        return _temporal(t)
    if t in (FieldType.SELECT_ONE, FieldType.SELECT_MULTIPLE):
        return _select(t, frozenset(c.value for c in f.choices))
    simple: dict[FieldType, Check] = {
        FieldType.INTEGER: _integer,
        FieldType.DECIMAL: _decimal,
        FieldType.GEOPOINT: _geopoint,
    }
    return simple.get(t, _any)


@dataclass(frozen=True)
class _Step:
    """One field's validation, prepared once per form version."""

    field: FormField
    relevant: Expr | None
    calculation: Expr | None
    required: Expr | None
    constraint: Expr | None
    check: Check
    group: bool
    skip: bool  # a note: never stored
    attachment: bool


class CompiledForm:
    """A form version with its expressions compiled once, ready to validate many submissions."""

    def __init__(self, schema: FormSchema) -> None:
        self.schema = schema
        self._exprs: dict[tuple[str, str], Expr] = {}
        for f in schema.walk():
            for attr in _ATTRS:
                text = getattr(f, attr)
                if text:
                    self._exprs[(f.name, attr)] = compile_expr(text)

        # One step per field, so validating a submission does no lookups by name or type.
        self._steps: dict[str, _Step] = {
            f.name: _Step(
                f,
                relevant=self._exprs.get((f.name, "relevant")),
                calculation=self._exprs.get((f.name, "calculation")),
                required=self._exprs.get((f.name, "required")),
                constraint=self._exprs.get((f.name, "constraint")),
                check=_checker(f),
                group=f.type is FieldType.GROUP,
                skip=f.type is FieldType.NOTE,
                attachment=f.type in ATTACHMENT_TYPES,
            )
            for f in schema.walk()
        }
        self._known: dict[int, frozenset[str]] = {}

    def _expr(self, f: FormField, attr: str) -> Expr | None:
        return self._exprs.get((f.name, attr))

    def validate(self, data: Mapping[str, Any]) -> ValidationResult:
        """Check and clean a submission's data."""
        result = ValidationResult(data={})
        if not isinstance(data, Mapping):
            result.errors.append(("/data", "must be an object"))
            return result
        result.data = self._scope(self.schema.fields, dict(data), [], "/data", result)
        if not result.errors:
            for name, message in submission_errors(self.schema, result.data):
                result.errors.append((f"/data/{name}", message))
        return result

    def _scope(
        self,
        fields: list[FormField],
        given: dict[str, Any],
        outer: list[Mapping[str, Any]],
        path: str,
        result: ValidationResult,
    ) -> dict[str, Any]:
        known = self._known.get(id(fields))
        if known is None:
            known = self._known[id(fields)] = frozenset(f.name for f in _flatten(fields))
        for name in sorted(set(given) - known):
            result.errors.append((f"{path}/{name}", "is not a question on this form version"))
        clean: dict[str, Any] = {k: v for k, v in given.items() if k in known}
        frames = [clean, *outer]
        self._fields(fields, clean, frames, path, result, parent_relevant=True)
        return clean

    def _fields(
        self,
        fields: list[FormField],
        clean: dict[str, Any],
        frames: list[Mapping[str, Any]],
        path: str,
        result: ValidationResult,
        *,
        parent_relevant: bool,
    ) -> None:
        scope = Scope(frames)
        steps = self._steps
        for f in fields:
            step = steps[f.name]
            relevant = parent_relevant and (step.relevant is None or step.relevant.test(scope))
            if step.group:
                self._fields(f.children, clean, frames, path, result, parent_relevant=relevant)
                continue
            if not relevant or step.skip:
                clean.pop(f.name, None)
                continue
            if step.calculation is not None:
                value = step.calculation.evaluate(scope)
                clean[f.name] = (
                    value if not isinstance(value, float) or math.isfinite(value) else ""
                )
                continue
            value = clean.get(f.name)
            if value is None or value == "" or value == []:
                clean.pop(f.name, None)
                if step.required is not None and step.required.test(scope):
                    result.errors.append((f"{path}/{f.name}", f.required_message or "is required"))
                continue
            if f.type is FieldType.REPEAT:
                self._repeat(f, value, clean, frames, f"{path}/{f.name}", result)
                continue
            value, problem = step.check(value)
            if problem:
                result.errors.append((f"{path}/{f.name}", problem))
                continue
            clean[f.name] = value
            if step.attachment:
                result.attachments.add(value)
            con = step.constraint
            if con is not None and not truthy(con.evaluate(Scope(frames, current=value))):
                result.errors.append((f"{path}/{f.name}", f.constraint_message or "is not valid"))

    def _repeat(
        self,
        f: FormField,
        value: Any,
        clean: dict[str, Any],
        frames: list[Mapping[str, Any]],
        where: str,
        result: ValidationResult,
    ) -> None:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            result.errors.append((where, "must be a list of objects, one per repeat"))
            return
        clean[f.name] = [
            self._scope(f.children, dict(item), frames, f"{where}/{i}", result)
            for i, item in enumerate(value)
        ]


def _flatten(fields: list[FormField]) -> list[FormField]:
    """Fields whose values sit at this level: groups are transparent, repeats are one value."""
    out: list[FormField] = []
    for f in fields:
        if f.type is FieldType.GROUP:
            out.extend(_flatten(f.children))
        else:
            out.append(f)
    return out
