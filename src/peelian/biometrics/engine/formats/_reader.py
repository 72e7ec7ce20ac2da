"""Bounds-checked sequential reader shared by the format decoders."""

from __future__ import annotations

import struct

from ._errors import TemplateFormatError

__all__ = ["Reader"]


class Reader:
    """Read fixed-size fields from a byte string, failing with the offset of the short field.

    Parameters
    ----------
    data
        The record. It is not modified.
    """

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)
        self.pos = 0

    def unpack(self, fmt: str, what: str) -> tuple[int, ...]:
        """Read one ``struct`` format at the current position and advance past it.

        Raises
        ------
        TemplateFormatError
            When fewer bytes remain than ``fmt`` needs; the offset is the start of the field.
        """
        size = struct.calcsize(fmt)
        left = len(self.data) - self.pos
        if left < size:
            raise TemplateFormatError(
                f"record truncated in {what}: needs {size} bytes, only {max(left, 0)} left",
                self.pos,
            )
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return tuple(int(v) for v in values)

    def take(self, size: int, what: str) -> bytes:
        """Read ``size`` raw bytes and advance past them."""
        left = len(self.data) - self.pos
        if left < size:
            raise TemplateFormatError(
                f"record truncated in {what}: needs {size} bytes, only {max(left, 0)} left",
                self.pos,
            )
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def expect_end(self, what: str) -> None:
        """Fail if bytes remain after the last field."""
        if self.pos != len(self.data):
            extra = len(self.data) - self.pos
            raise TemplateFormatError(f"{extra} unexpected bytes after {what}", self.pos)
