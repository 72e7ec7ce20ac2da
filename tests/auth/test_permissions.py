"""The role table and the per-record access hook that later domains use."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.auth.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    RecordSubject,
    can_access_record,
    has_permission,
    register_record_access,
)


class TestRoleTable:
    def test_every_role_has_an_entry(self) -> None:
        assert set(ROLE_PERMISSIONS) == set(Role)

    def test_external_partners_and_citizens_see_only_themselves(self) -> None:
        for role in (Role.PROSECUTOR, Role.DEFENCE, Role.CITIZEN):
            assert ROLE_PERMISSIONS[role] == {Permission.SELF_READ}

    def test_only_auditors_read_the_audit_log(self) -> None:
        assert [r for r in Role if has_permission(r, Permission.AUDIT_READ)] == [Role.AUDITOR]


class TestRecordAccessHook:
    def test_types_without_a_hook_are_open_to_permission_holders(self, db_session: Session) -> None:
        subject = RecordSubject(uuid.uuid4(), Role.OFFICER, "A")
        assert can_access_record(db_session, subject, "unhooked-type", uuid.uuid4())

    def test_a_registered_hook_decides_per_record(self, db_session: Session) -> None:
        allowed = uuid.uuid4()

        def same_case(_s: Session, subject: RecordSubject, record_id: uuid.UUID) -> bool:
            return subject.team == "CID" and record_id == allowed

        register_record_access("test-case", same_case)
        cid = RecordSubject(uuid.uuid4(), Role.INVESTIGATOR, "CID")
        other = RecordSubject(uuid.uuid4(), Role.INVESTIGATOR, "Response A")
        assert can_access_record(db_session, cid, "test-case", allowed)
        assert not can_access_record(db_session, cid, "test-case", uuid.uuid4())
        assert not can_access_record(db_session, other, "test-case", allowed)
