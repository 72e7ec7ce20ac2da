"""What a parsed transaction holds."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["AnsiNistError", "FingerImage", "Transaction"]

FS, GS, RS, US = b"\x1c", b"\x1d", b"\x1e", b"\x1f"


class AnsiNistError(ValueError):
    """A transaction that breaks the standard: says which record, which field and where."""

    def __init__(self, message: str, *, offset: int, record: str | None = None) -> None:
        where = f"record {record}, " if record else ""
        super().__init__(f"{where}byte {offset}: {message}")
        self.offset = offset
        self.record = record


@dataclass(frozen=True)
class FingerImage:
    """One finger's image from a Type-4 or Type-14 record."""

    record_type: int
    idc: int
    finger_position: int
    impression_type: int
    width: int
    height: int
    ppi: float
    compression: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Transaction:
    """A parsed transaction: the Type-1 header, Type-2 text and the finger images."""

    version: str
    transaction_type: str
    date: str
    originating_agency: str
    control_number: str
    type1: dict[str, str]
    type2: dict[str, str]
    fingers: list[FingerImage]
