"""ANSI INCITS 378-2004 finger minutiae record import and export.

Differences from ISO/IEC 19794-2:2005 (see :mod:`._iso19794_2`): the record length is 2 bytes,
or 0 followed by a 4-byte length when the record exceeds 65535 bytes; a 4-byte CBEFF product
identifier (owner, type) follows it; the capture equipment field carries a 4-bit compliance
code above the 12-bit equipment id; angles are in 2 degree units (0-179). The header is 26
bytes (30 with the long length). Angle round-trip error is at most 1 degree; positions are
whole pixels (at most 0.5 px error).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from ..template import Template
from ._errors import TemplateFormatError
from ._iso19794_2 import check_size
from ._reader import Reader
from ._views import Geometry, common_geometry, decode_views, encode_views, view_size

__all__ = ["from_ansi378", "to_ansi378"]

_MAGIC = b"FMR\x00"
_VERSION = b" 20\x00"
_TAIL = struct.Struct(">HHHHHHHBB")  # product owner, type, equipment, w, h, xres, yres, views, r
ANGLE_STEPS = 180


def to_ansi378(
    templates: Sequence[Template],
    *,
    product_owner: int = 0,
    product_type: int = 0,
    capture_equipment_id: int = 0,
    compliance: int = 0,
    impression_type: int = 0,
) -> bytes:
    """Export finger views as one ANSI INCITS 378-2004 finger minutiae record.

    Parameters
    ----------
    templates
        One template per finger view, all of one image size. Not modified.
    product_owner, product_type
        CBEFF product identifier (IBIA-registered owner and the owner's format type).
    capture_equipment_id
        12-bit capture equipment id (0 = unreported).
    compliance
        4-bit capture equipment compliance code (bit 3 set = certified to Appendix F).
    impression_type
        Impression type of every view (0 = live-scan plain).

    Returns
    -------
    bytes
        The record, resolution 197 px/cm (500 ppi).

    Raises
    ------
    ValueError
        If the templates cannot share one record or exceed the format's limits.

    References
    ----------
    .. [1] ANSI INCITS 378-2004, "Information technology - Finger Minutiae Format for Data
       Interchange", section 6.4-6.5.
    """
    geometry = common_geometry(templates, "ANSI 378")
    body = encode_views(templates, ANGLE_STEPS, impression_type)
    size = 8 + 2 + _TAIL.size + sum(view_size(t) for t in templates)
    length = struct.pack(">H", size) if size <= 0xFFFF else struct.pack(">HI", 0, size + 4)
    tail = _TAIL.pack(
        product_owner & 0xFFFF,
        product_type & 0xFFFF,
        ((compliance & 0x0F) << 12) | (capture_equipment_id & 0x0FFF),
        geometry.width,
        geometry.height,
        geometry.x_resolution,
        geometry.y_resolution,
        len(templates),
        0,
    )
    return _MAGIC + _VERSION + length + tail + body


def from_ansi378(data: bytes) -> list[Template]:
    """Import an ANSI INCITS 378-2004 finger minutiae record.

    Parameters
    ----------
    data
        The record.

    Returns
    -------
    list of Template
        One template per finger view, positions at 500 ppi.

    Raises
    ------
    TemplateFormatError
        On a wrong magic or version, truncation, a length mismatch, an out-of-range finger
        position or angle code, or a minutia outside the image; ``offset`` locates the field.

    References
    ----------
    .. [1] ANSI INCITS 378-2004, sections 6.4-6.5.
    """
    reader = Reader(data)
    magic = reader.take(4, "magic")
    if magic != _MAGIC:
        raise TemplateFormatError(f"bad magic {magic!r}, expected {_MAGIC!r}", 0)
    version = reader.take(4, "version")
    if version != _VERSION:
        raise TemplateFormatError(f"unsupported version {version!r}, expected {_VERSION!r}", 4)
    (length,) = reader.unpack(">H", "record length")
    if length == 0:
        (length,) = reader.unpack(">I", "long record length")
    width_at = reader.pos + 6
    _owner, _type, _equip, width, height, xres, yres, views, _r = reader.unpack(
        ">" + _TAIL.format[1:], "record header"
    )
    check_size(width, height, width_at)
    templates = decode_views(reader, views, Geometry(width, height, xres, yres), ANGLE_STEPS)
    reader.expect_end("the last finger view")
    if length != len(reader.data):
        raise TemplateFormatError(
            f"record length field says {length} bytes but the record has {len(reader.data)}", 8
        )
    return templates
