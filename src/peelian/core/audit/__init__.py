"""Accountable audit (DPA 2018 s.62): an append-only, hash-chained log with signed checkpoints."""

from peelian.core.audit.chain import GENESIS_HASH, event_hash
from peelian.core.audit.models import AuditAction, AuditChainHead, AuditCheckpoint, AuditEvent
from peelian.core.audit.service import (
    Actor,
    AuditQuery,
    VerifyReport,
    checkpoint,
    record,
    search,
    verify,
)
from peelian.core.audit.signing import AuditSigner

__all__ = [
    "GENESIS_HASH",
    "Actor",
    "AuditAction",
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditQuery",
    "AuditSigner",
    "VerifyReport",
    "checkpoint",
    "event_hash",
    "record",
    "search",
    "verify",
]
