"""Helpers for writing XLSForm rows in Python: the columns, one survey row, one choice list."""

from __future__ import annotations

from typing import Any

__all__ = ["COLUMNS", "REQ", "YES_NO", "BuiltinForm", "choices", "q"]

COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "appearance",
    "read_only",
)
BuiltinForm = dict[str, Any]


def q(type_: str, name: str, label: str = "", **kw: str) -> dict[str, str]:
    """One survey row."""
    return {"type": type_, "name": name, "label": label, **kw}


def choices(list_name: str, *pairs: tuple[str, str]) -> list[dict[str, str]]:
    """Rows of the choices sheet for one list."""
    return [{"list_name": list_name, "name": v, "label": lab} for v, lab in pairs]


REQ = {"required": "yes"}
YES_NO = choices("yes_no", ("yes", "Yes"), ("no", "No"))
