"""Corrupt records are rejected with TemplateFormatError at the right byte offset."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

import numpy as np
import pytest

from peelian.biometrics.engine.formats import (
    TemplateFormatError,
    deserialize,
    from_ansi378,
    from_iso19794_2,
    serialize,
)
from peelian.biometrics.engine.template import Template

from .test_formats_known_vectors import ANSI_VECTOR, ISO_VECTOR

pytestmark = pytest.mark.unit


def patched(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new) :]


def reject(decode: Callable[[bytes], object], data: bytes, offset: int, words: str) -> None:
    with pytest.raises(TemplateFormatError, match=words) as info:
        decode(data)
    assert info.value.offset == offset
    assert f"offset {offset}" in str(info.value)
    assert isinstance(info.value, ValueError)


def native_sample() -> bytes:
    return serialize(
        Template(
            300,
            400,
            np.array([10.0, 299.5], np.float32),
            np.array([20.0, 5.0], np.float32),
            np.array([0.5, 3.0], np.float32),
            np.array([1, 2], np.uint8),
            np.array([40, 90], np.uint8),
            image_quality=70,
            finger_position=7,
        )
    )


def with_crc(data: bytes) -> bytes:
    body = data[:-4]
    return body + struct.pack("<I", zlib.crc32(body))


class TestDeserialize:
    def test_wrong_magic(self) -> None:
        reject(deserialize, patched(native_sample(), 0, b"XYZ"), 0, "magic")

    def test_bad_version(self) -> None:
        reject(deserialize, patched(native_sample(), 3, b"\x09"), 3, "version")

    def test_truncated_header(self) -> None:
        reject(deserialize, native_sample()[:7], 4, "truncated")

    def test_truncated_minutiae(self) -> None:
        reject(deserialize, native_sample()[:20], 12, "truncated")

    def test_trailing_bytes(self) -> None:
        data = native_sample()
        reject(deserialize, data + b"\x00", len(data), "unexpected bytes")

    def test_wrong_crc(self) -> None:
        data = native_sample()
        reject(deserialize, patched(data, 13, b"\x7f"), len(data) - 4, "CRC")

    def test_finger_position_out_of_range(self) -> None:
        reject(deserialize, with_crc(patched(native_sample(), 8, b"\x0b")), 8, "finger position")

    def test_minutia_outside_image(self) -> None:
        data = with_crc(patched(native_sample(), 12 + 7 + 2, struct.pack("<H", 800)))
        reject(deserialize, data, 12 + 7 + 2, "outside the image")


class TestFromIso19794_2:
    def test_wrong_magic(self) -> None:
        reject(from_iso19794_2, patched(ISO_VECTOR, 0, b"FIR\x00"), 0, "magic")

    def test_bad_version(self) -> None:
        reject(from_iso19794_2, patched(ISO_VECTOR, 4, b"030\x00"), 4, "version")

    def test_truncated_in_second_minutia(self) -> None:
        reject(from_iso19794_2, ISO_VECTOR[:36], 28, "truncated")

    def test_truncated_header(self) -> None:
        reject(from_iso19794_2, ISO_VECTOR[:10], 8, "truncated")

    def test_length_mismatch(self) -> None:
        reject(from_iso19794_2, patched(ISO_VECTOR, 8, struct.pack(">I", 43)), 8, "length")

    def test_finger_position_out_of_range(self) -> None:
        reject(from_iso19794_2, patched(ISO_VECTOR, 24, b"\x0c"), 24, "finger position")

    def test_minutia_x_outside_image(self) -> None:
        reject(from_iso19794_2, patched(ISO_VECTOR, 28, bytes.fromhex("4100")), 28, "x outside")

    def test_minutia_y_outside_image(self) -> None:
        reject(from_iso19794_2, patched(ISO_VECTOR, 36, bytes.fromhex("0140")), 36, "y outside")

    def test_reserved_minutia_type(self) -> None:
        reject(from_iso19794_2, patched(ISO_VECTOR, 28, bytes.fromhex("c064")), 28, "reserved")

    def test_extended_data_running_past_the_end(self) -> None:
        reject(from_iso19794_2, patched(ISO_VECTOR, 40, b"\x00\x05"), 42, "extended data")


class TestFromAnsi378:
    def test_wrong_magic(self) -> None:
        reject(from_ansi378, patched(ANSI_VECTOR, 1, b"X"), 0, "magic")

    def test_length_mismatch(self) -> None:
        reject(from_ansi378, patched(ANSI_VECTOR, 8, struct.pack(">H", 40)), 8, "length")

    def test_truncated(self) -> None:
        reject(from_ansi378, ANSI_VECTOR[:-1], 42, "truncated")

    def test_angle_code_out_of_range(self) -> None:
        reject(from_ansi378, patched(ANSI_VECTOR, 34, b"\xb4"), 34, "angle")

    def test_finger_position_out_of_range(self) -> None:
        reject(from_ansi378, patched(ANSI_VECTOR, 26, b"\xff"), 26, "finger position")

    def test_zero_width(self) -> None:
        reject(from_ansi378, patched(ANSI_VECTOR, 16, b"\x00\x00"), 16, "width")
