"""What the running app holds: settings, database, signer, token policy, blob store, job queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from peelian.config import Settings
from peelian.core.audit import AuditSigner
from peelian.core.db import Database
from peelian.core.storage import BlobStore

__all__ = ["AppState", "current_state", "set_current_state"]


@dataclass
class AppState:
    """Process-wide objects built once by create_app()."""

    settings: Settings
    db: Database
    signer: AuditSigner
    token_key: bytes
    blob_store: BlobStore | None = None
    huey: Any = None
    # Per-domain process objects (e.g. the biometric gallery), keyed by the domain's name.
    extensions: dict[str, Any] = field(default_factory=dict)


_current: AppState | None = None


def set_current_state(state: AppState) -> None:
    """Remember the process's state so jobs, which receive only ids, can reach the database."""
    global _current
    _current = state


def current_state() -> AppState:
    """The state set at start-up (by create_app or `peelian worker`)."""
    if _current is None:
        raise RuntimeError("no application state: start through create_app() or `peelian worker`")
    return _current
