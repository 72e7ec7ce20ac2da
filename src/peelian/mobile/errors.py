"""Typed mobile errors: each has a stable problem type and tells the device what to do.

`action` is one of: retry (send the same thing again later), fix (change the data, keep it),
resend (send again from `expected_seq`), pull (fetch forms first, then fix), re-register, wipe.
"""

from __future__ import annotations

from typing import Any

from peelian.core.errors import Conflict, FieldError, InvalidInput, PeelianError, Unauthorized

__all__ = [
    "AttachmentTooLarge",
    "ChecksumMismatch",
    "DeviceRequired",
    "FormVersionRetired",
    "FormVersionUnknown",
    "OperationInvalid",
    "ReceiptInvalid",
    "SequenceGap",
    "SequenceReused",
    "UploadOffsetMismatch",
    "problem",
]


def problem(cls: type[PeelianError], detail: str, action: str, **extra: Any) -> PeelianError:
    """Build a mobile error with its action."""
    errors: list[FieldError] = extra.pop("errors", [])
    return cls(detail, errors=errors, extra={"action": action, **extra})


class DeviceRequired(Unauthorized):
    """Sync needs a device-bound token (sign in with the device's proof)."""

    slug = "device-required"


class SequenceGap(Conflict):
    """The batch does not start at the next sequence number the server expects."""

    slug = "sync-sequence-gap"


class SequenceReused(Conflict):
    """A sequence number already applied arrived with a different operation."""

    slug = "sync-sequence-reused"


class OperationInvalid(InvalidInput):
    """An operation in the batch breaks a rule; the whole batch was refused."""

    slug = "sync-operation-invalid"


class FormVersionUnknown(InvalidInput):
    """The submission names a form version the server never published."""

    slug = "form-version-unknown"


class FormVersionRetired(InvalidInput):
    """The submission names a retired form version."""

    slug = "form-version-retired"


class AttachmentTooLarge(PeelianError):
    """A declared attachment exceeds the limit."""

    status = 413
    title = "Attachment too large"
    slug = "attachment-too-large"


class ChecksumMismatch(InvalidInput):
    """The bytes do not hash to what the device declared."""

    slug = "checksum-mismatch"


class UploadOffsetMismatch(Conflict):
    """The chunk does not start where the server's copy ends."""

    slug = "upload-offset-mismatch"


class ReceiptInvalid(InvalidInput):
    """A receipt presented for checking was not signed by this server for that operation."""

    slug = "receipt-invalid"
