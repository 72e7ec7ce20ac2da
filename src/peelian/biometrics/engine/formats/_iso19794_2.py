"""ISO/IEC 19794-2:2005 finger minutiae record (FMR) import and export.

Record layout, big-endian::

    0   4  "FMR\\0"            12  2  capture device id (low 12 bits)
    4   4  " 20\\0"            14  2  image width (px)   16  2  image height (px)
    8   4  record length       18  2  x resolution (px/cm) 20  2  y resolution (px/cm)
    22  1  number of finger views   23  1  reserved
    then per view: finger position, view number << 4 | impression type, finger quality,
    minutia count, 6 bytes per minutia (type << 14 | x, y, angle, quality), extended data length.

Angles are stored in units of 360/256 degrees anticlockwise, like ``Template.angle``; the
round trip error is at most 0.703 degrees (half a unit). Positions are whole pixels, so the
round trip error is at most 0.5 px.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from ..template import Template
from ._errors import TemplateFormatError
from ._reader import Reader
from ._views import Geometry, common_geometry, decode_views, encode_views, view_size

__all__ = ["from_iso19794_2", "to_iso19794_2"]

_MAGIC = b"FMR\x00"
_VERSION = b" 20\x00"
_HEADER = struct.Struct(">4s4sIHHHHHBB")
ANGLE_STEPS = 256


def to_iso19794_2(
    templates: Sequence[Template], *, capture_device_id: int = 0, impression_type: int = 0
) -> bytes:
    """Export finger views as one ISO/IEC 19794-2:2005 finger minutiae record.

    Parameters
    ----------
    templates
        One template per finger view; all must share the image size. Views of the same finger
        position are numbered 0, 1, ... in input order. Not modified.
    capture_device_id
        Vendor-assigned capture device identifier (12 bits; 0 = unreported).
    impression_type
        Impression type code for every view (0 = live-scan plain, 1 = live-scan rolled).

    Returns
    -------
    bytes
        The record (24-byte header, 4 + 6n + 2 bytes per view), resolution 197 px/cm (500 ppi).

    Raises
    ------
    ValueError
        If the views differ in size, a minutia lies outside the image, or a count limit (255
        views, 255 minutiae per view, 16383 px per side) is exceeded.

    References
    ----------
    .. [1] ISO/IEC 19794-2:2005, "Information technology - Biometric data interchange formats -
       Part 2: Finger minutiae data", sections 7.3-7.5.
    """
    geometry = common_geometry(templates, "ISO 19794-2")
    body = encode_views(templates, ANGLE_STEPS, impression_type)
    total = _HEADER.size + sum(view_size(t) for t in templates)
    header = _HEADER.pack(
        _MAGIC,
        _VERSION,
        total,
        capture_device_id & 0x0FFF,
        geometry.width,
        geometry.height,
        geometry.x_resolution,
        geometry.y_resolution,
        len(templates),
        0,
    )
    return header + body


def from_iso19794_2(data: bytes) -> list[Template]:
    """Import an ISO/IEC 19794-2:2005 finger minutiae record.

    Parameters
    ----------
    data
        The record.

    Returns
    -------
    list of Template
        One template per finger view, positions rescaled to 500 ppi if the record's resolution
        differs from 197 px/cm. Extended data blocks are skipped.

    Raises
    ------
    TemplateFormatError
        On a wrong magic or version, truncation, a record length that does not match the data,
        an out-of-range finger position, or a minutia outside the image; ``offset`` locates the
        offending field.

    References
    ----------
    .. [1] ISO/IEC 19794-2:2005, sections 7.3-7.5.
    """
    reader = Reader(data)
    magic = reader.take(4, "magic")
    if magic != _MAGIC:
        raise TemplateFormatError(f"bad magic {magic!r}, expected {_MAGIC!r}", 0)
    version = reader.take(4, "version")
    if version != _VERSION:
        raise TemplateFormatError(f"unsupported version {version!r}, expected {_VERSION!r}", 4)
    (length,) = reader.unpack(">I", "record length")
    _device, width, height, xres, yres, views, _reserved = reader.unpack(
        ">HHHHHBB", "record header"
    )
    check_size(width, height, 14)
    templates = decode_views(reader, views, Geometry(width, height, xres, yres), ANGLE_STEPS)
    reader.expect_end("the last finger view")
    if length != len(reader.data):
        raise TemplateFormatError(
            f"record length field says {length} bytes but the record has {len(reader.data)}", 8
        )
    return templates


def check_size(width: int, height: int, width_offset: int) -> None:
    """Reject a header whose image width or height is zero."""
    if width == 0:
        raise TemplateFormatError("image width is 0", width_offset)
    if height == 0:
        raise TemplateFormatError("image height is 0", width_offset + 2)
