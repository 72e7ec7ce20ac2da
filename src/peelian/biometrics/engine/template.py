"""The canonical in-memory fingerprint template shared by every engine stage.

Positions are in pixels at 500 ppi (the engine resamples every input to 500 ppi), with the
origin at the top-left corner, x to the right and y downwards. Directions are in radians in
[0, 2*pi), measured counter-clockwise from the positive x axis with y pointing *up* on screen,
which is the convention of ISO/IEC 19794-2 (angle grows anticlockwise). A ridge ending points
along the ridge away from where it ends; a bifurcation points along the valley it encloses, as
in ISO/IEC 19794-2:2005 section 7.4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

__all__ = ["MinutiaKind", "Template"]

FloatArray = npt.NDArray[np.float32]
ByteArray = npt.NDArray[np.uint8]


class MinutiaKind(IntEnum):
    """Minutia type codes, numbered as in ISO/IEC 19794-2:2005."""

    OTHER = 0
    ENDING = 1
    BIFURCATION = 2


def _empty_f32() -> FloatArray:
    return np.zeros(0, dtype=np.float32)


def _empty_u8() -> ByteArray:
    return np.zeros(0, dtype=np.uint8)


@dataclass(frozen=True, eq=False)
class Template:
    """Minutiae of one finger impression.

    Attributes
    ----------
    width, height
        Size of the (500 ppi) image the minutiae were found in, in pixels.
    x, y
        Minutia positions in pixels, ``float32`` arrays of equal length.
    angle
        Minutia directions in radians, ``float32`` in [0, 2*pi).
    kind
        :class:`MinutiaKind` codes, ``uint8``.
    quality
        Per-minutia reliability 0-100, ``uint8``.
    image_quality
        Quality of the whole impression 0-100 (0 means unusable).
    finger_position
        ISO/ANSI-NIST finger position code: 0 unknown, 1-5 right thumb to little, 6-10 left.
    """

    width: int
    height: int
    x: FloatArray = field(default_factory=_empty_f32)
    y: FloatArray = field(default_factory=_empty_f32)
    angle: FloatArray = field(default_factory=_empty_f32)
    kind: ByteArray = field(default_factory=_empty_u8)
    quality: ByteArray = field(default_factory=_empty_u8)
    image_quality: int = 0
    finger_position: int = 0

    def __post_init__(self) -> None:
        n = len(self.x)
        if not (len(self.y) == len(self.angle) == len(self.kind) == len(self.quality) == n):
            raise ValueError("minutia arrays must all have the same length")
        if not 0 <= self.finger_position <= 10:
            raise ValueError(f"finger position {self.finger_position} is not in 0-10")

    def __len__(self) -> int:
        return len(self.x)
