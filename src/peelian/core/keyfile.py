"""Secret key files under var/, created once even when several server processes start together."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable
from pathlib import Path

__all__ = ["read_or_create"]


def read_or_create(path: Path, make: Callable[[], bytes]) -> str:
    """The base64 text kept in `path`, writing base64(make()) there (mode 0600) if it is absent.

    The new key is written in full to a file of its own, then linked to `path`: linking fails
    when `path` exists, so of processes racing to create it exactly one wins and every process
    reads that one's complete key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(base64.b64encode(make()).decode())
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process created it first: theirs is the key
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()
