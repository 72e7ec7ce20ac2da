"""Build ANSI/NIST-ITL 1-2011 traditional-encoding transactions (Type-1, Type-2, Type-14).

Used to make demo probe files and test fixtures, and by a gateway that forwards enrolments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peelian.biometrics.ansi_nist.model import FS, GS, RS, US

__all__ = ["FingerCapture", "build_transaction"]


@dataclass(frozen=True)
class FingerCapture:
    """One finger to put in a Type-14 record."""

    finger_position: int
    image: bytes
    width: int
    height: int
    compression: str = "PNG"  # or "NONE" for raw 8-bit greyscale
    ppi: int = 500
    impression_type: int = 0  # 0 = live-scan plain


def _length_prefixed(rtype: int, body: list[bytes]) -> bytes:
    """Join fields and solve for the record's own length field (which counts its own digits)."""
    rest = GS + GS.join(body) + FS
    prefix = f"{rtype}.001:".encode()
    length = len(prefix) + len(rest) + 1
    while len(prefix) + len(str(length)) + len(rest) != length:
        length = len(prefix) + len(str(length)) + len(rest)
    return prefix + str(length).encode() + rest


def _field(tag: str, value: str | bytes) -> bytes:
    return tag.encode() + b":" + (value if isinstance(value, bytes) else value.encode())


def build_transaction(
    *,
    fingers: Sequence[FingerCapture],
    transaction_type: str = "CAR",
    originating_agency: str = "PEELIAN00",
    control_number: str = "PEELIAN-0001",
    type2: Mapping[str, str] | None = None,
    date: dt.date | None = None,
    version: str = "0500",
) -> bytes:
    """A Type-1 header, one Type-2 record and a Type-14 record per finger."""
    day = (date or dt.datetime.now(dt.UTC).date()).strftime("%Y%m%d")
    cnt = [f"1{US.decode()}{1 + len(fingers)}", f"2{US.decode()}0"]
    cnt += [f"14{US.decode()}{i + 1}" for i in range(len(fingers))]
    type1 = _length_prefixed(
        1,
        [
            _field("1.002", version),
            _field("1.003", RS.decode().join(cnt)),
            _field("1.004", transaction_type),
            _field("1.005", day),
            _field("1.007", originating_agency),
            _field("1.008", originating_agency),
            _field("1.009", control_number),
            _field("1.011", "19.69"),
            _field("1.012", "19.69"),
        ],
    )
    t2 = {"2.002": "00", **(type2 or {})}
    type2_rec = _length_prefixed(2, [_field(k, v) for k, v in sorted(t2.items()) if k != "2.001"])
    records = [type1, type2_rec]
    for i, f in enumerate(fingers):
        records.append(
            _length_prefixed(
                14,
                [
                    _field("14.002", f"{i + 1:02d}"),
                    _field("14.003", str(f.impression_type)),
                    _field("14.004", originating_agency),
                    _field("14.005", day),
                    _field("14.006", str(f.width)),
                    _field("14.007", str(f.height)),
                    _field("14.008", "1"),
                    _field("14.009", str(f.ppi)),
                    _field("14.010", str(f.ppi)),
                    _field("14.011", f.compression),
                    _field("14.012", "8"),
                    _field("14.013", str(f.finger_position)),
                    _field("14.999", f.image),
                ],
            )
        )
    return b"".join(records)
