"""ANSI/NIST-ITL 1-2011: valid transactions parse; malformed ones name record, field, offset."""

from __future__ import annotations

import struct

import pytest

from peelian.biometrics.ansi_nist import (
    AnsiNistError,
    FingerCapture,
    build_transaction,
    parse_transaction,
)
from peelian.biometrics.ansi_nist.model import FS, GS

RAW = bytes(range(256)) * 4  # binary image bytes that include every separator value


def _tx(**kw: object) -> bytes:
    fingers = kw.pop(
        "fingers",
        [FingerCapture(2, RAW, 32, 32, "NONE"), FingerCapture(7, b"\x89PNG...", 10, 10, "PNG")],
    )
    return build_transaction(fingers=fingers, type2={"2.018": "SMITH,JOHN"}, **kw)  # type: ignore[arg-type]


def _type4(idc: int, finger: int, image: bytes, gca: int = 0) -> bytes:
    header = struct.pack(
        ">IBB6sBHHB",
        18 + len(image),
        idc,
        0,
        bytes([finger, 255, 255, 255, 255, 255]),
        0,
        16,
        16,
        gca,
    )
    return header + image


class TestValidTransactions:
    def test_round_trip_type_1_2_14(self) -> None:
        tx = parse_transaction(_tx(control_number="TCN-42"))
        assert (tx.version, tx.control_number, tx.transaction_type) == ("0500", "TCN-42", "CAR")
        assert tx.type2["2.018"] == "SMITH,JOHN"
        assert [(f.finger_position, f.compression, f.ppi) for f in tx.fingers] == [
            (2, "NONE", 500.0),
            (7, "PNG", 500.0),
        ]
        assert tx.fingers[0].data == RAW

    def test_type_4_records(self) -> None:
        base = _tx(fingers=[])
        # Rebuild the CNT field to list one Type-4 record, then append it.
        tx = base.replace(b"1.003:1\x1f1\x1e2\x1f0", b"1.003:1\x1f2\x1e2\x1f0\x1e4\x1f1")
        head_len = int(tx[6 : tx.index(GS)])
        new_len = head_len + 4
        tx = tx.replace(f"1.001:{head_len}".encode(), f"1.001:{new_len}".encode(), 1)
        tx += _type4(1, 3, RAW)
        parsed = parse_transaction(tx)
        assert [(f.record_type, f.finger_position, f.data) for f in parsed.fingers] == [(4, 3, RAW)]


class TestMalformedTransactions:
    def test_empty(self) -> None:
        with pytest.raises(AnsiNistError, match="empty"):
            parse_transaction(b"")

    def test_not_starting_with_type_1(self) -> None:
        with pytest.raises(AnsiNistError, match=r"start with '1\.001:'") as err:
            parse_transaction(b"hello world")
        assert err.value.offset == 0

    def test_record_length_past_the_end(self) -> None:
        tx = _tx()
        with pytest.raises(AnsiNistError, match="runs past the end"):
            parse_transaction(tx[:-10])

    def test_length_not_landing_on_fs(self) -> None:
        tx = _tx()
        length = int(tx[6 : tx.index(GS)])
        bad = tx.replace(f"1.001:{length}".encode(), f"1.001:{length - 1}".encode(), 1)
        with pytest.raises(AnsiNistError, match="does not end with the FS") as err:
            parse_transaction(bad)
        assert err.value.record == "Type-1"

    def test_missing_mandatory_type_1_field(self) -> None:
        tx = _tx()
        start = tx.index(b"1.009:")
        end = tx.index(GS, start)
        cut = tx[:start] + tx[end + 1 :]
        length = int(tx[6 : tx.index(GS)])
        new = length - (end + 1 - start)
        cut = cut.replace(f"1.001:{length}".encode(), f"1.001:{new}".encode(), 1)
        if len(str(new)) != len(str(length)):
            pytest.skip("length changed digit count")
        with pytest.raises(AnsiNistError, match=r"mandatory field 1\.009 is missing"):
            parse_transaction(cut)

    def test_unknown_version(self) -> None:
        with pytest.raises(AnsiNistError, match="version '0999'"):
            parse_transaction(_tx(version="0999"))

    def test_impossible_date(self) -> None:
        tx = _tx()
        start = tx.index(b"1.005:") + 6
        bad = tx[:start] + b"20261399" + tx[start + 8 :]
        with pytest.raises(AnsiNistError, match="not a date"):
            parse_transaction(bad)

    def test_count_mismatch(self) -> None:
        tx = _tx()
        bad = tx.replace(b"1.003:1\x1f3", b"1.003:1\x1f4", 1)
        with pytest.raises(AnsiNistError, match="says 4 records but lists 3"):
            parse_transaction(bad)

    def test_unknown_record_type(self) -> None:
        tx = _tx(fingers=[FingerCapture(2, RAW, 32, 32, "NONE")])
        bad = tx.replace(b"\x1e14\x1f1", b"\x1e77\x1f1", 1)
        with pytest.raises(AnsiNistError, match="record type 77 is unknown"):
            parse_transaction(bad)

    def test_trailing_bytes(self) -> None:
        with pytest.raises(AnsiNistError, match="bytes follow the last record"):
            parse_transaction(_tx() + b"junk")

    def test_slap_is_not_a_single_finger(self) -> None:
        with pytest.raises(AnsiNistError, match=r"14\.013 \(FGP\) 13 is not a single finger"):
            parse_transaction(_tx(fingers=[FingerCapture(13, RAW, 32, 32, "NONE")]))

    def test_type_4_with_mismatched_idc(self) -> None:
        base = _tx(fingers=[])
        tx = base.replace(b"1.003:1\x1f1\x1e2\x1f0", b"1.003:1\x1f2\x1e2\x1f0\x1e4\x1f1")
        head_len = int(tx[6 : tx.index(GS)])
        tx = tx.replace(f"1.001:{head_len}".encode(), f"1.001:{head_len + 4}".encode(), 1)
        with pytest.raises(AnsiNistError, match="IDC 9 does not match") as err:
            parse_transaction(tx + _type4(9, 3, RAW))
        assert err.value.record == "Type-4"

    def test_malformed_field_tag(self) -> None:
        tx = _tx()
        bad = tx.replace(b"2.018:", b"2.0x8:", 1)
        with pytest.raises(AnsiNistError, match="malformed field"):
            parse_transaction(bad)

    @pytest.mark.parametrize("cut", [1, 5, 50, 200])
    def test_any_truncation_is_an_error_never_a_crash(self, cut: int) -> None:
        tx = _tx()
        with pytest.raises(AnsiNistError):
            parse_transaction(tx[:-cut])

    def test_fs_inside_image_bytes_is_fine(self) -> None:
        img = FS * 100
        tx = parse_transaction(_tx(fingers=[FingerCapture(1, img, 10, 10, "NONE")]))
        assert tx.fingers[0].data == img
