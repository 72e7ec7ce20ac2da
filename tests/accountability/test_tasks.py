"""The periodic checkpoint job signs the head of the chain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peelian.accountability.tasks import sign_checkpoint
from peelian.auth.models import Role
from peelian.core.audit import AuditCheckpoint
from peelian.web.state import AppState, set_current_state
from tests.fixtures.auth import make_user


class TestSignCheckpoint:
    def test_signs_the_current_head(self, app_state: AppState, db_session: Session) -> None:
        make_user(db_session, Role.CITIZEN)  # writes an audit event
        set_current_state(app_state)
        seq = sign_checkpoint()
        cp = db_session.scalars(select(AuditCheckpoint)).one()
        assert cp.seq == seq
        assert app_state.signer.verify(cp.seq, cp.hash, cp.signature)

    def test_empty_log_signs_nothing(self, app_state: AppState) -> None:
        set_current_state(app_state)
        assert sign_checkpoint() is None
