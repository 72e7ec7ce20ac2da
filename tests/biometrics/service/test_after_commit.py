"""Work queued on a session runs only when its outermost transaction commits."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from peelian.biometrics.service._unit import on_commit


def _queue(session: Session, log: list[str], name: str) -> None:
    on_commit(
        session, lambda: log.append(f"{name} done"), rollback=lambda: log.append(f"{name} undone")
    )


class TestOnCommit:
    def test_runs_after_the_commit_not_before(self, db_session: Session) -> None:
        log: list[str] = []
        db_session.execute(text("SELECT 1"))
        _queue(db_session, log, "a")
        assert log == []
        db_session.commit()
        assert log == ["a done"]
        db_session.commit()
        assert log == ["a done"]  # once only

    def test_a_rollback_undoes_instead(self, db_session: Session) -> None:
        log: list[str] = []
        _queue(db_session, log, "a")
        db_session.rollback()
        db_session.commit()
        assert log == ["a undone"]

    def test_a_released_savepoint_waits_for_the_outer_commit(self, db_session: Session) -> None:
        log: list[str] = []
        with db_session.begin_nested():
            _queue(db_session, log, "inner")
        assert log == []
        db_session.commit()
        assert log == ["inner done"]

    def test_a_rolled_back_savepoint_drops_only_its_own_work(self, db_session: Session) -> None:
        log: list[str] = []
        _queue(db_session, log, "outer")
        nested = db_session.begin_nested()
        _queue(db_session, log, "inner")
        nested.rollback()
        assert log == ["inner undone"]
        db_session.commit()
        assert log == ["inner undone", "outer done"]
