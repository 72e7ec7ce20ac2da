"""Finger-view blocks shared by ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 records.

Both standards store each finger view as a 4-byte view header, 6-byte minutiae and an extended
data block whose 2-byte length is 0 when absent; they differ only in the angle unit (360/256
degrees for ISO, 2 degrees for ANSI) and in the record header, which the callers handle.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..template import Template
from ._common import check_encodable, clamp_quality, decode_angle, encode_angle, encode_position
from ._errors import TemplateFormatError
from ._reader import Reader

__all__ = ["PIXELS_PER_CM_500PPI", "Geometry", "decode_views", "encode_views", "view_size"]

#: 500 ppi expressed in pixels per centimetre, as both standards write it.
PIXELS_PER_CM_500PPI = 197
_MAX_COORD = (1 << 14) - 1
_MINUTIA = struct.Struct(">HHBB")


@dataclass(frozen=True)
class Geometry:
    """Image size and resolution from a record header, with the header offsets for errors."""

    width: int
    height: int
    x_resolution: int
    y_resolution: int


def view_size(template: Template) -> int:
    """Encoded size of one finger view: header, minutiae and an empty extended-data block."""
    return 4 + _MINUTIA.size * len(template) + 2


def common_geometry(templates: Sequence[Template], fmt: str) -> Geometry:
    """Check that all views can share one record header and return its geometry."""
    if not templates:
        raise ValueError(f"an {fmt} record needs at least one finger view")
    sizes = {(t.width, t.height) for t in templates}
    if len(sizes) != 1:
        raise ValueError(f"all views of an {fmt} record must share one image size, got {sizes}")
    for t in templates:
        check_encodable(t, _MAX_COORD, fmt)
        if len(t) > 255:
            raise ValueError(f"an {fmt} finger view holds at most 255 minutiae, not {len(t)}")
    if len(templates) > 255:
        raise ValueError(f"an {fmt} record holds at most 255 finger views")
    first = templates[0]
    return Geometry(first.width, first.height, PIXELS_PER_CM_500PPI, PIXELS_PER_CM_500PPI)


def encode_views(templates: Sequence[Template], angle_steps: int, impression_type: int) -> bytes:
    """Encode finger views; view numbers count up per finger position in input order."""
    out = bytearray()
    seen: dict[int, int] = {}
    for t in templates:
        view_number = seen.get(t.finger_position, 0)
        if view_number > 15:
            raise ValueError(f"more than 16 views of finger position {t.finger_position}")
        seen[t.finger_position] = view_number + 1
        out += struct.pack(
            ">BBBB",
            t.finger_position,
            (view_number << 4) | (impression_type & 0x0F),
            int(clamp_quality(t.image_quality)),
            len(t),
        )
        x = encode_position(t.x, 1.0, t.width)
        y = encode_position(t.y, 1.0, t.height)
        angle = encode_angle(t.angle, angle_steps)
        quality = clamp_quality(t.quality)
        for i in range(len(t)):
            word_x = (int(t.kind[i]) << 14) | int(x[i])
            out += _MINUTIA.pack(word_x, int(y[i]), int(angle[i]), int(quality[i]))
        out += struct.pack(">H", 0)
    return bytes(out)


def decode_views(
    reader: Reader, count: int, geometry: Geometry, angle_steps: int
) -> list[Template]:
    """Decode ``count`` finger views at the reader's position into 500 ppi templates.

    Positions are rescaled to 500 ppi when the header's resolution differs from 197 pixels/cm
    (a resolution of 0, meaning unspecified, is taken as 500 ppi).
    """
    sx = PIXELS_PER_CM_500PPI / (geometry.x_resolution or PIXELS_PER_CM_500PPI)
    sy = PIXELS_PER_CM_500PPI / (geometry.y_resolution or PIXELS_PER_CM_500PPI)
    templates = []
    for v in range(count):
        view_at = reader.pos
        finger, _view_type, finger_quality, n = reader.unpack(">BBBB", f"view {v} header")
        if finger > 10:
            raise TemplateFormatError(f"view {v}: finger position {finger} is not in 0-10", view_at)
        start = reader.pos
        raw = reader.take(_MINUTIA.size * n, f"view {v} minutiae")
        fields = np.frombuffer(
            raw, dtype=np.dtype([("tx", ">u2"), ("ry", ">u2"), ("a", "u1"), ("q", "u1")])
        )
        _check_minutiae(fields, geometry, angle_steps, start, v)
        ext_at = reader.pos
        (ext_len,) = reader.unpack(">H", f"view {v} extended data length")
        reader.take(ext_len, f"view {v} extended data (length field at offset {ext_at})")
        templates.append(
            Template(
                width=max(1, math.ceil(geometry.width * sx - 1e-9)),
                height=max(1, math.ceil(geometry.height * sy - 1e-9)),
                x=((fields["tx"] & _MAX_COORD).astype(np.float64) * sx).astype(np.float32),
                y=((fields["ry"] & _MAX_COORD).astype(np.float64) * sy).astype(np.float32),
                angle=decode_angle(fields["a"].astype(np.int64), angle_steps),
                kind=(fields["tx"] >> 14).astype(np.uint8),
                quality=clamp_quality(fields["q"]).astype(np.uint8),
                image_quality=int(clamp_quality(finger_quality)),
                finger_position=finger,
            )
        )
    return templates


def _check_minutiae(
    fields: npt.NDArray[np.void],
    geometry: Geometry,
    angle_steps: int,
    start: int,
    view: int,
) -> None:
    """Reject minutiae with a reserved type, outside the image, or with an impossible angle."""
    checks = (
        ((fields["tx"] >> 14) == 3, 0, "reserved minutia type 11b"),
        ((fields["tx"] & _MAX_COORD) >= geometry.width, 0, "x outside the image"),
        ((fields["ry"] & _MAX_COORD) >= geometry.height, 2, "y outside the image"),
        (fields["a"] >= angle_steps, 4, f"angle code not in 0-{angle_steps - 1}"),
    )
    bad = [(int(np.flatnonzero(m)[0]), off, msg) for m, off, msg in checks if np.any(m)]
    if bad:
        i, off, msg = min(bad)
        raise TemplateFormatError(
            f"view {view}, minutia {i}: {msg}", start + _MINUTIA.size * i + off
        )
