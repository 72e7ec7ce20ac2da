"""Which role may do what: one table, read by the route dependencies and the authorisation tests.

A permission is coarse ("may read people"); whether a user may touch one particular record is the
job of a per-record access hook that a domain registers (for example case membership).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from peelian.auth.models import Role

__all__ = [
    "ROLE_PERMISSIONS",
    "Permission",
    "RecordAccessHook",
    "RecordSubject",
    "can_access_record",
    "has_permission",
    "register_record_access",
]


class Permission(enum.StrEnum):
    """Named abilities, granted to roles in ROLE_PERMISSIONS."""

    SELF_READ = "self:read"
    USERS_READ = "users:read"
    USERS_MANAGE = "users:manage"
    DEVICES_REGISTER = "devices:register"
    DEVICES_MANAGE = "devices:manage"
    AUDIT_READ = "audit:read"
    AUDIT_VERIFY = "audit:verify"
    PEOPLE_READ = "people:read"
    PEOPLE_WRITE = "people:write"
    PERSON_CHECK = "people:check"
    INCIDENTS_READ = "incidents:read"
    INCIDENTS_WRITE = "incidents:write"
    INCIDENTS_EXPORT_TEAM = "incidents:export_team"
    BIO_SEARCH = "biometrics:search"
    BIO_ENROL = "biometrics:enrol"
    BIO_REVIEW = "biometrics:review"
    FORMS_SUBMIT = "forms:submit"
    FORMS_PUBLISH = "forms:publish"
    NOTEBOOK_WRITE = "notebook:write"
    SUBMISSIONS_REVIEW = "submissions:review"
    BRIEFINGS_WRITE = "briefings:write"
    POWERS_READ = "powers:read"
    POWERS_EXPORT_TEAM = "powers:export_team"
    STATEMENTS_READ = "statements:read"


P = Permission
_FRONTLINE = {P.SELF_READ, P.DEVICES_REGISTER, P.PEOPLE_READ, P.PERSON_CHECK, P.INCIDENTS_READ}
_MOBILE = {P.FORMS_SUBMIT, P.NOTEBOOK_WRITE}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset(_FRONTLINE | _MOBILE | {P.INCIDENTS_WRITE, P.BIO_SEARCH}),
    Role.SUPERVISOR: frozenset(
        _FRONTLINE
        | _MOBILE
        | {P.INCIDENTS_WRITE, P.INCIDENTS_EXPORT_TEAM, P.BIO_SEARCH, P.USERS_READ}
        | {P.SUBMISSIONS_REVIEW, P.BRIEFINGS_WRITE, P.FORMS_PUBLISH}
        | {P.POWERS_READ, P.POWERS_EXPORT_TEAM, P.STATEMENTS_READ}
    ),
    Role.CONTACT_HANDLER: frozenset(
        {P.SELF_READ, P.PEOPLE_READ, P.INCIDENTS_READ, P.INCIDENTS_WRITE, P.PERSON_CHECK}
    ),
    Role.INVESTIGATOR: frozenset(
        _FRONTLINE
        | _MOBILE
        | {P.PEOPLE_WRITE, P.INCIDENTS_WRITE, P.BIO_ENROL, P.POWERS_READ, P.STATEMENTS_READ}
    ),
    Role.FINGERPRINT_EXAMINER: frozenset(
        {P.SELF_READ, P.PEOPLE_READ, P.BIO_ENROL, P.BIO_REVIEW, P.BIO_SEARCH}
    ),
    # Auditors monitor the use of powers (stop and search, vehicle stops) as well as the trail.
    Role.AUDITOR: frozenset(
        {P.SELF_READ, P.AUDIT_READ, P.AUDIT_VERIFY, P.USERS_READ, P.POWERS_READ}
    ),
    Role.ADMINISTRATOR: frozenset(
        {P.SELF_READ, P.USERS_READ, P.USERS_MANAGE, P.DEVICES_MANAGE, P.AUDIT_VERIFY}
        | {P.FORMS_PUBLISH}
    ),
    Role.PROSECUTOR: frozenset({P.SELF_READ}),
    Role.DEFENCE: frozenset({P.SELF_READ}),
    Role.CITIZEN: frozenset({P.SELF_READ}),
}


def has_permission(role: Role, permission: Permission) -> bool:
    """True when the role holds the permission."""
    return permission in ROLE_PERMISSIONS[role]


@dataclass(frozen=True)
class RecordSubject:
    """Who is asking for a record, as a per-record hook sees them."""

    user_id: uuid.UUID
    role: Role
    team: str | None


RecordAccessHook = Callable[[Session, RecordSubject, uuid.UUID], bool]
_HOOKS: dict[str, RecordAccessHook] = {}


def register_record_access(record_type: str, hook: RecordAccessHook) -> None:
    """Let a domain decide, record by record, who may see its records of a type."""
    _HOOKS[record_type] = hook


def can_access_record(
    session: Session, subject: RecordSubject, record_type: str, record_id: uuid.UUID
) -> bool:
    """Ask the record type's hook; record types without one are open to the permission holders."""
    hook = _HOOKS.get(record_type)
    return True if hook is None else hook(session, subject, record_id)
