"""Jobs of the accountability domain."""

from __future__ import annotations

from huey import crontab

from peelian.core import audit
from peelian.web.state import current_state
from peelian.worker import task

__all__ = ["sign_checkpoint"]


@task("audit.checkpoint", schedule=crontab(minute="*/5"))
def sign_checkpoint() -> int | None:
    """Sign the audit chain's head every five minutes; idempotent (a no-op on an empty log)."""
    state = current_state()
    with state.db.unit_of_work() as session:
        cp = audit.checkpoint(session, signer=state.signer)
        return cp.seq if cp is not None else None
