"""Parse ANSI/NIST-ITL 1-2011 traditional-encoding transactions, strictly.

References
----------
NIST Special Publication 500-290 Edition 3 (ANSI/NIST-ITL 1-2011 Update 2015), sections 7
(traditional encoding), 8.1 (Type-1), 8.2 (Type-2), 8.4 (Type-4) and 8.14 (Type-14).
"""

from __future__ import annotations

import datetime as dt
import struct

from peelian.biometrics.ansi_nist.model import (
    FS,
    GS,
    RS,
    US,
    AnsiNistError,
    FingerImage,
    Transaction,
)

__all__ = ["parse_transaction"]

VERSIONS = {"0300", "0400", "0500", "0501", "0502", "0600"}
TYPE1_REQUIRED = (
    "1.001",
    "1.002",
    "1.003",
    "1.004",
    "1.005",
    "1.007",
    "1.008",
    "1.009",
    "1.011",
    "1.012",
)
TYPE14_REQUIRED = (
    "14.001",
    "14.002",
    "14.003",
    "14.004",
    "14.005",
    "14.006",
    "14.007",
    "14.008",
    "14.009",
    "14.010",
    "14.011",
    "14.012",
    "14.013",
    "14.999",
)
# Tagged record types we recognise but do not use for enrolment: skipped by their length.
SKIPPED_TAGGED = {9, 10, 13, 15, 16, 17, 18, 19, 20, 21, 22, 98, 99}
TYPE4_HEADER = 18
COMPRESSIONS_T4 = {0: "NONE", 1: "WSQ20", 2: "JPEGB", 3: "JPEGL", 4: "JP2", 5: "JP2L", 6: "PNG"}
MAX_TRANSACTION = 64 * 1024 * 1024


def _fields(record: bytes, rtype: int, start: int) -> dict[str, bytes]:
    """Split a tagged record (without its FS) into tag → raw value."""
    fields: dict[str, bytes] = {}
    binary_tag = f"{rtype}.999:".encode()
    pos = 0
    while pos < len(record):
        if record.startswith(binary_tag, pos):
            # The image field is binary and always last: it runs to the end of the record.
            fields[f"{rtype}.999"] = record[pos + len(binary_tag) :]
            break
        end = record.find(GS, pos)
        end = len(record) if end < 0 else end
        tag, colon, value = record[pos:end].partition(b":")
        try:
            name = tag.decode("ascii")
            t, _, n = name.partition(".")
            ok = colon and int(t) == rtype and n.isdigit()
        except (UnicodeDecodeError, ValueError):
            ok = False
        if not ok:
            raise AnsiNistError(
                f"malformed field {tag[:20]!r} (expected '{rtype}.NNN:')",
                offset=start + pos,
                record=f"Type-{rtype}",
            )
        key = f"{int(t)}.{int(n):03d}"
        if key in fields:
            raise AnsiNistError(
                f"field {key} appears twice", offset=start + pos, record=f"Type-{rtype}"
            )
        fields[key] = value
        pos = end + 1
    return fields


def _text(fields: dict[str, bytes], key: str, *, offset: int, record: str) -> str:
    try:
        return fields[key].decode("utf-8")
    except KeyError:
        raise AnsiNistError(
            f"mandatory field {key} is missing", offset=offset, record=record
        ) from None
    except UnicodeDecodeError:
        raise AnsiNistError(f"field {key} is not text", offset=offset, record=record) from None


def _int(
    fields: dict[str, bytes], key: str, *, offset: int, record: str, lo: int = 0, hi: int = 10**9
) -> int:
    text = _text(fields, key, offset=offset, record=record)
    if not text.isdigit() or not lo <= int(text) <= hi:
        raise AnsiNistError(
            f"field {key} must be a whole number from {lo} to {hi}, got {text[:20]!r}",
            offset=offset,
            record=record,
        )
    return int(text)


def _tagged_length(data: bytes, pos: int, rtype: int) -> int:
    prefix = f"{rtype}.001:".encode()
    if not data.startswith(prefix, pos):
        raise AnsiNistError(
            f"expected the record to start with '{rtype}.001:'", offset=pos, record=f"Type-{rtype}"
        )
    end = data.find(GS, pos)
    digits = data[pos + len(prefix) : end if end > 0 else pos + len(prefix) + 12]
    if not digits.isdigit():
        raise AnsiNistError("record length is not a number", offset=pos, record=f"Type-{rtype}")
    length = int(digits)
    if length < len(prefix) + 2 or pos + length > len(data):
        raise AnsiNistError(
            f"record length {length} runs past the end of the transaction "
            f"({len(data) - pos} bytes left)",
            offset=pos,
            record=f"Type-{rtype}",
        )
    if data[pos + length - 1 : pos + length] != FS:
        raise AnsiNistError(
            "record does not end with the FS separator where its length says",
            offset=pos + length - 1,
            record=f"Type-{rtype}",
        )
    return length


def _content(type1: dict[str, bytes], offset: int) -> list[tuple[int, int]]:
    raw = _text(type1, "1.003", offset=offset, record="Type-1")
    items = [s.split(US.decode()) for s in raw.split(RS.decode())]
    try:
        first, count = int(items[0][0]), int(items[0][1])
        listed = [(int(t), int(i)) for t, i in items[1:]]
    except (ValueError, IndexError):
        raise AnsiNistError(
            "field 1.003 (CNT) is malformed", offset=offset, record="Type-1"
        ) from None
    if first != 1 or count != len(listed):
        raise AnsiNistError(
            f"field 1.003 (CNT) says {count} records but lists {len(listed)}",
            offset=offset,
            record="Type-1",
        )
    return listed


def _type1(data: bytes) -> tuple[dict[str, bytes], int]:
    length = _tagged_length(data, 0, 1)
    fields = _fields(data[: length - 1], 1, 0)
    for key in TYPE1_REQUIRED:
        if key not in fields:
            raise AnsiNistError(f"mandatory field {key} is missing", offset=0, record="Type-1")
    version = _text(fields, "1.002", offset=0, record="Type-1")
    if version not in VERSIONS:
        raise AnsiNistError(
            f"version {version!r} is not a known ANSI/NIST-ITL version", offset=0, record="Type-1"
        )
    date = _text(fields, "1.005", offset=0, record="Type-1")
    try:
        dt.datetime.strptime(date, "%Y%m%d")
    except ValueError:
        raise AnsiNistError(
            f"field 1.005 (DAT) {date!r} is not a date YYYYMMDD", offset=0, record="Type-1"
        ) from None
    return fields, length


def _type4(data: bytes, pos: int, idc: int) -> tuple[FingerImage, int]:
    if pos + TYPE4_HEADER > len(data):
        raise AnsiNistError("Type-4 header is truncated", offset=pos, record="Type-4")
    length, rec_idc, imp = struct.unpack_from(">IBB", data, pos)
    fgp = data[pos + 6 : pos + 12]
    _isr, width, height, gca = struct.unpack_from(">BHHB", data, pos + 12)
    if length < TYPE4_HEADER or pos + length > len(data):
        raise AnsiNistError(
            f"Type-4 length {length} runs past the end", offset=pos, record="Type-4"
        )
    if rec_idc != idc:
        raise AnsiNistError(
            f"IDC {rec_idc} does not match 1.003 (expected {idc})", offset=pos + 4, record="Type-4"
        )
    finger = fgp[0]
    if not 0 <= finger <= 10:
        raise AnsiNistError(
            f"finger position {finger} is not 0-10", offset=pos + 6, record="Type-4"
        )
    if gca not in COMPRESSIONS_T4:
        raise AnsiNistError(f"unknown compression code {gca}", offset=pos + 17, record="Type-4")
    image = FingerImage(
        4,
        idc,
        finger,
        imp,
        width,
        height,
        500.0,
        COMPRESSIONS_T4[gca],
        data[pos + TYPE4_HEADER : pos + length],
    )
    return image, length


def _type14(data: bytes, pos: int, idc: int) -> tuple[FingerImage, int]:
    length = _tagged_length(data, pos, 14)
    f = _fields(data[pos : pos + length - 1], 14, pos)
    rec = "Type-14"
    for key in TYPE14_REQUIRED:
        if key not in f:
            raise AnsiNistError(f"mandatory field {key} is missing", offset=pos, record=rec)
    if _int(f, "14.002", offset=pos, record=rec) != idc:
        raise AnsiNistError(f"IDC does not match 1.003 (expected {idc})", offset=pos, record=rec)
    finger = _int(f, "14.013", offset=pos, record=rec, hi=255)
    if not 0 <= finger <= 10:
        raise AnsiNistError(
            f"field 14.013 (FGP) {finger} is not a single finger (0-10)", offset=pos, record=rec
        )
    slc = _int(f, "14.008", offset=pos, record=rec, hi=2)
    hps = _int(f, "14.009", offset=pos, record=rec, lo=1, hi=100_000)
    ppi = float(hps) if slc == 1 else hps * 2.54 if slc == 2 else 500.0
    image = FingerImage(
        14,
        idc,
        finger,
        _int(f, "14.003", offset=pos, record=rec, hi=255),
        _int(f, "14.006", offset=pos, record=rec, lo=1, hi=100_000),
        _int(f, "14.007", offset=pos, record=rec, lo=1, hi=100_000),
        ppi,
        _text(f, "14.011", offset=pos, record=rec).upper(),
        f["14.999"],
    )
    return image, length


def parse_transaction(data: bytes) -> Transaction:
    """Parse a whole transaction; raise AnsiNistError naming the first problem."""
    if not data:
        raise AnsiNistError("the transaction is empty", offset=0)
    if len(data) > MAX_TRANSACTION:
        raise AnsiNistError("the transaction is over 64 MiB", offset=0)
    type1, pos = _type1(data)
    type2: dict[str, str] = {}
    fingers: list[FingerImage] = []
    for rtype, idc in _content(type1, 0):
        if pos >= len(data):
            raise AnsiNistError(f"1.003 lists a Type-{rtype} record that is not there", offset=pos)
        if rtype == 2:
            length = _tagged_length(data, pos, 2)
            fields = _fields(data[pos : pos + length - 1], 2, pos)
            _int(fields, "2.002", offset=pos, record="Type-2")
            type2 = {k: v.decode("utf-8", "replace") for k, v in fields.items()}
        elif rtype == 4:
            image, length = _type4(data, pos, idc)
            fingers.append(image)
        elif rtype == 14:
            image, length = _type14(data, pos, idc)
            fingers.append(image)
        elif rtype in SKIPPED_TAGGED:
            length = _tagged_length(data, pos, rtype)
        else:
            raise AnsiNistError(f"record type {rtype} is unknown or not supported", offset=pos)
        pos += length
    if pos != len(data):
        raise AnsiNistError(
            f"{len(data) - pos} bytes follow the last record listed in 1.003", offset=pos
        )

    def t1(key: str) -> str:
        return type1[key].decode("utf-8", "replace") if key in type1 else ""

    return Transaction(
        version=t1("1.002"),
        transaction_type=t1("1.004"),
        date=t1("1.005"),
        originating_agency=t1("1.008"),
        control_number=t1("1.009"),
        type1={k: v.decode("utf-8", "replace") for k, v in type1.items()},
        type2=type2,
        fingers=fingers,
    )
