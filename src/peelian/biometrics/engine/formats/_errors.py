"""Error raised when a serialised template cannot be decoded."""

from __future__ import annotations

__all__ = ["TemplateFormatError"]


class TemplateFormatError(ValueError):
    """A template record is malformed, truncated, corrupt or out of range.

    Parameters
    ----------
    reason
        What is wrong, in words.
    offset
        Byte offset in the record where decoding went wrong (the start of the offending field).

    Attributes
    ----------
    reason : str
        What is wrong, without the offset.
    offset : int
        Byte offset of the offending field.
    """

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(f"{reason} (at byte offset {offset})")
        self.reason = reason
        self.offset = offset
