"""The server's receipt signer, from PEELIAN_SYNC_SIGNING_KEY or var/, once per process."""

from __future__ import annotations

import threading

from peelian.config import Settings
from peelian.mobile.sync.protocol import ReceiptSigner

__all__ = ["receipt_signer"]

_lock = threading.Lock()
_signers: dict[str, ReceiptSigner] = {}


def receipt_signer(settings: Settings) -> ReceiptSigner:
    """The receipt signer for these settings."""
    seed = settings.sync_signing_key
    key = seed.get_secret_value() if seed is not None else str(settings.var_dir.resolve())
    with _lock:
        found = _signers.get(key)
        if found is None:
            if seed is not None:
                found = ReceiptSigner.from_seed(seed.get_secret_value())
            else:
                found = ReceiptSigner.from_file(settings.var_dir / "sync_signing.key")
            _signers[key] = found
        return found
