"""What the running app holds: settings, database, signer, token policy, blob store, job queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peelian.config import Settings
from peelian.core.audit import AuditSigner
from peelian.core.db import Database

__all__ = ["AppState"]


@dataclass
class AppState:
    """Process-wide objects built once by create_app()."""

    settings: Settings
    db: Database
    signer: AuditSigner
    token_key: bytes
    blob_store: Any = None
    huey: Any = None
