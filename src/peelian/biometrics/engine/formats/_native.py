"""Peelian's compact native template format (version 1).

Layout, little-endian::

    offset  size  field
    0       3     magic b"PFT"
    3       1     format version (1)
    4       2     image width (px, 500 ppi)
    6       2     image height (px)
    8       1     finger position (0-10)
    9       1     image quality (0-100)
    10      2     minutia count n
    12      7n    minutiae: x (u16, 0.5 px units), y (u16, 0.5 px units),
                  kind << 14 | angle (u16; angle in 2*pi/16384 rad units), quality (u8, 0-100)
    12+7n   4     CRC-32 (zlib) of every preceding byte

A 40-minutia template takes 12 + 280 + 4 = 296 bytes. Quantisation error: positions at most
0.25 px, angles at most pi/16384 rad (0.011 degrees).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import numpy.typing as npt

from ..template import Template
from ._common import check_encodable, clamp_quality, decode_angle, encode_angle, encode_position
from ._errors import TemplateFormatError
from ._reader import Reader

__all__ = ["MAGIC", "VERSION", "deserialize", "serialize"]

MAGIC = b"PFT"
VERSION = 1
_HEADER = struct.Struct("<3sBHHBBH")
_MINUTIA = struct.Struct("<HHHB")
_ANGLE_STEPS = 1 << 14
_MAX_SIDE = 32767  # x and y are stored in half pixels in a u16


def serialize(template: Template) -> bytes:
    """Encode a template in the native compact binary format.

    Parameters
    ----------
    template
        The template to encode; it is not modified. Image sides must be 1-32767 px and every
        minutia must lie inside the image.

    Returns
    -------
    bytes
        ``12 + 7 * len(template) + 4`` bytes (296 bytes for 40 minutiae).

    Raises
    ------
    ValueError
        If the template cannot be represented (too large, minutiae outside the image, more than
        65535 minutiae).

    References
    ----------
    .. [1] P. Deutsch and J.-L. Gailly, "ZLIB Compressed Data Format Specification version 3.3",
       RFC 1950, 1996 (the CRC-32 used for corruption detection).
    """
    check_encodable(template, _MAX_SIDE, "the native format")
    n = len(template)
    if n > 0xFFFF:
        raise ValueError(f"the native format stores at most 65535 minutiae, not {n}")
    x = encode_position(template.x, 2.0, 2 * template.width)
    y = encode_position(template.y, 2.0, 2 * template.height)
    angle = encode_angle(template.angle, _ANGLE_STEPS)
    packed = (template.kind.astype(np.int64) << 14) | angle
    quality = clamp_quality(template.quality)
    out = bytearray(
        _HEADER.pack(
            MAGIC,
            VERSION,
            template.width,
            template.height,
            template.finger_position,
            int(clamp_quality(template.image_quality)),
            n,
        )
    )
    for i in range(n):
        out += _MINUTIA.pack(int(x[i]), int(y[i]), int(packed[i]), int(quality[i]))
    out += struct.pack("<I", zlib.crc32(out))
    return bytes(out)


def deserialize(data: bytes) -> Template:
    """Decode a template written by :func:`serialize`.

    Parameters
    ----------
    data
        The encoded template.

    Returns
    -------
    Template
        The decoded template (positions in 0.5 px steps, angles in 2*pi/16384 steps).

    Raises
    ------
    TemplateFormatError
        On a wrong magic or version, truncation, trailing bytes, a CRC mismatch, or an
        out-of-range field; ``offset`` is where the offending field starts.
    """
    reader = Reader(data)
    magic = reader.take(3, "magic")
    if magic != MAGIC:
        raise TemplateFormatError(f"bad magic {magic!r}, expected {MAGIC!r}", 0)
    (version,) = reader.unpack("<B", "version")
    if version != VERSION:
        raise TemplateFormatError(f"unsupported native format version {version}", 3)
    width, height, finger, image_quality, n = reader.unpack("<HHBBH", "header")
    start = reader.pos
    raw = reader.take(_MINUTIA.size * n, f"{n} minutiae")
    crc_offset = reader.pos
    (crc,) = reader.unpack("<I", "CRC-32")
    reader.expect_end("the CRC-32")
    if zlib.crc32(reader.data[:crc_offset]) != crc:
        raise TemplateFormatError("CRC-32 mismatch: the template is corrupt", crc_offset)
    if finger > 10:
        raise TemplateFormatError(f"finger position {finger} is not in 0-10", 8)
    if image_quality > 100:
        raise TemplateFormatError(f"image quality {image_quality} is not in 0-100", 9)
    fields = np.frombuffer(
        raw, dtype=np.dtype([("x", "<u2"), ("y", "<u2"), ("ka", "<u2"), ("q", "u1")])
    )
    _check_minutiae(fields, width, height, start)
    return Template(
        width=width,
        height=height,
        x=(fields["x"] / 2).astype(np.float32),
        y=(fields["y"] / 2).astype(np.float32),
        angle=decode_angle(fields["ka"].astype(np.int64) & (_ANGLE_STEPS - 1), _ANGLE_STEPS),
        kind=(fields["ka"] >> 14).astype(np.uint8),
        quality=fields["q"].astype(np.uint8),
        image_quality=image_quality,
        finger_position=finger,
    )


def _check_minutiae(fields: npt.NDArray[np.void], width: int, height: int, start: int) -> None:
    """Reject minutiae outside the image or with a reserved kind or bad quality."""
    checks = (
        (fields["x"] >= 2 * width, 0, "x outside the image"),
        (fields["y"] >= 2 * height, 2, "y outside the image"),
        ((fields["ka"] >> 14) == 3, 4, "reserved minutia kind 3"),
        (fields["q"] > 100, 6, "minutia quality above 100"),
    )
    bad_at = [(int(np.flatnonzero(m)[0]), off, msg) for m, off, msg in checks if np.any(m)]
    if bad_at:
        i, off, msg = min(bad_at)
        raise TemplateFormatError(f"minutia {i}: {msg}", start + _MINUTIA.size * i + off)
