"""Quantisation helpers shared by the native, ISO and ANSI encoders.

All angles follow :class:`~peelian.biometrics.engine.template.Template`: radians anticlockwise
from the positive x axis, in [0, 2*pi). Each encoder stores an angle as the nearest multiple of
its unit, so the decoded angle differs from the original by at most half a unit (circularly).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ..template import MinutiaKind, Template

__all__ = [
    "check_encodable",
    "decode_angle",
    "encode_angle",
    "encode_position",
]

TWO_PI = 2.0 * math.pi


def encode_angle(angle: npt.NDArray[np.float32], steps: int) -> npt.NDArray[np.int64]:
    """Quantise angles in radians to integers ``0..steps-1`` (``steps`` units per turn).

    Parameters
    ----------
    angle
        Angles in radians; any real value is wrapped into one turn first.
    steps
        Number of units per full turn (256 for ISO 19794-2, 180 for ANSI 378).

    Returns
    -------
    numpy.ndarray
        Nearest unit index, wrapped so that an angle just below 2*pi encodes as 0.
    """
    turns = np.mod(angle.astype(np.float64), TWO_PI) / TWO_PI
    return np.mod(np.rint(turns * steps).astype(np.int64), steps)


def decode_angle(code: npt.NDArray[np.int64], steps: int) -> npt.NDArray[np.float32]:
    """Inverse of :func:`encode_angle`: unit indices back to radians in [0, 2*pi)."""
    return (np.mod(code, steps).astype(np.float64) * (TWO_PI / steps)).astype(np.float32)


def encode_position(
    value: npt.NDArray[np.float32], scale: float, limit: int
) -> npt.NDArray[np.int64]:
    """Round ``value * scale`` to integers clipped into ``[0, limit - 1]``.

    Clipping only matters for positions within half a unit of the image border, which would
    otherwise round onto the border itself and decode as outside the image.
    """
    q = np.rint(value.astype(np.float64) * scale).astype(np.int64)
    return np.clip(q, 0, max(limit - 1, 0))


def check_encodable(template: Template, max_coordinate: int, fmt: str) -> None:
    """Refuse templates a format cannot carry faithfully.

    Raises
    ------
    ValueError
        If the image size exceeds ``max_coordinate``, a minutia lies outside the image, or a kind
        is not a :class:`MinutiaKind`.
    """
    if not (0 < template.width <= max_coordinate and 0 < template.height <= max_coordinate):
        raise ValueError(
            f"{fmt} cannot store a {template.width}x{template.height} image "
            f"(each side must be 1-{max_coordinate} px)"
        )
    x = template.x.astype(np.float64)
    y = template.y.astype(np.float64)
    outside = (x < 0) | (y < 0) | (x >= template.width) | (y >= template.height)
    outside |= ~(np.isfinite(x) & np.isfinite(y))
    if np.any(outside):
        i = int(np.flatnonzero(outside)[0])
        raise ValueError(f"minutia {i} at ({x[i]:.1f}, {y[i]:.1f}) lies outside the image")
    if not np.all(np.isfinite(template.angle)):
        raise ValueError("minutia angles must be finite")
    valid_kinds = [int(k) for k in MinutiaKind]
    if not np.all(np.isin(template.kind, valid_kinds)):
        raise ValueError(f"minutia kinds must be one of {valid_kinds}")


def clamp_quality(value: npt.NDArray[np.uint8] | int) -> npt.NDArray[np.int64]:
    """Clamp quality values to the 0-100 range every format uses."""
    return np.clip(np.asarray(value, dtype=np.int64), 0, 100)
