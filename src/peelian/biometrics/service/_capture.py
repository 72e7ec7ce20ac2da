"""Turning submitted finger images into enrolable templates, with a quality gate per finger."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from PIL import Image

from peelian.biometrics import engine
from peelian.core.errors import FieldError, InvalidInput

__all__ = [
    "FINGER_NAMES",
    "MIN_FINGERS",
    "MIN_MINUTIAE",
    "MIN_QUALITY",
    "Accepted",
    "FingerImageIn",
    "accept_all",
    "check_positions",
    "finger_label",
    "png_of",
]

# The engine's image quality (0-100) below which a capture is refused. FVC2002 DB1 prints
# score 60-90 and the demo's synthetic prints 65-90; smudges and noise score far lower or fail
# extraction altogether.
MIN_QUALITY = 30
# Fewer minutiae than this cannot be searched 1:N with any confidence.
MIN_MINUTIAE = 12
# A set must have at least this many usable fingers (mobile searches use two).
MIN_FINGERS = 2
MAX_FINGERS = 10

FINGER_NAMES = {
    1: "right thumb",
    2: "right index",
    3: "right middle",
    4: "right ring",
    5: "right little",
    6: "left thumb",
    7: "left index",
    8: "left middle",
    9: "left ring",
    10: "left little",
}


@dataclass(frozen=True)
class FingerImageIn:
    """One submitted finger: its NIST finger code and image (encoded, or raw with a size)."""

    finger_position: int
    data: bytes = field(repr=False)
    ppi: float | None = None
    raw_size: tuple[int, int] | None = None  # (width, height) of raw 8-bit pixels


@dataclass(frozen=True)
class Accepted:
    """A usable finger: its template and its 500 ppi image as PNG (None when not kept)."""

    finger_position: int
    template: engine.Template = field(repr=False)
    png: bytes | None = field(repr=False)


def finger_label(position: int) -> str:
    """'finger 2 (right index)'."""
    name = FINGER_NAMES.get(position)
    return f"finger {position} ({name})" if name else f"finger {position}"


def check_positions(positions: Sequence[int], *, field_of: str = "/finger_{}") -> None:
    """Refuse unknown, repeated, too few or too many finger codes (422 naming each)."""
    errors: list[FieldError] = []
    for pos in positions:
        if pos not in FINGER_NAMES:
            errors.append(
                FieldError(
                    field_of.format(pos),
                    f"finger code {pos} is not a NIST finger position (1-10; 0 unknown is not "
                    "enrolable)",
                )
            )
    repeated = sorted({p for p in positions if positions.count(p) > 1})
    errors += [FieldError(field_of.format(p), f"finger code {p} is given twice") for p in repeated]
    if errors:
        raise InvalidInput("; ".join(e.message for e in errors), errors=errors)
    if not MIN_FINGERS <= len(positions) <= MAX_FINGERS:
        raise InvalidInput(
            f"a ten-print set needs {MIN_FINGERS} to {MAX_FINGERS} fingers; got {len(positions)}",
            errors=[FieldError("/", "too few or too many fingers")],
        )


def png_of(grey: npt.NDArray[np.uint8]) -> bytes:
    """A 500 ppi greyscale image as PNG (the resolution the templates are in)."""
    out = io.BytesIO()
    Image.fromarray(grey).save(out, format="PNG", dpi=(500, 500), optimize=False)
    return out.getvalue()


def _accept(finger: FingerImageIn, *, keep_image: bool) -> Accepted | str:
    """A usable template, or the reason this capture is refused."""
    width, height = finger.raw_size or (None, None)
    try:
        grey = engine.load_image(finger.data, ppi=finger.ppi, width=width, height=height)
        template = engine.extract(grey, ppi=500, finger_position=finger.finger_position)
    except engine.EngineError as exc:
        return str(exc)
    if template.image_quality < MIN_QUALITY:
        return (
            f"image quality {template.image_quality} is below the minimum {MIN_QUALITY}; "
            "recapture the finger"
        )
    if len(template) < MIN_MINUTIAE:
        return (
            f"only {len(template)} minutiae found (at least {MIN_MINUTIAE} needed); "
            "recapture the finger"
        )
    return Accepted(finger.finger_position, template, png_of(grey) if keep_image else None)


def accept_all(
    fingers: Sequence[FingerImageIn], *, keep_images: bool = True, field_of: str = "/finger_{}"
) -> list[Accepted]:
    """Templates of every finger, or 422 naming each unusable finger and why (nothing kept)."""
    check_positions([f.finger_position for f in fingers], field_of=field_of)
    accepted: list[Accepted] = []
    errors: list[FieldError] = []
    for finger in fingers:
        result = _accept(finger, keep_image=keep_images)
        if isinstance(result, str):
            where = field_of.format(finger.finger_position)
            errors.append(FieldError(where, f"{finger_label(finger.finger_position)}: {result}"))
        else:
            accepted.append(result)
    if errors:
        count = f"{len(errors)} of {len(fingers)} fingers"
        raise InvalidInput(
            f"{count} unusable, nothing was enrolled: " + "; ".join(e.message for e in errors),
            errors=errors,
        )
    return sorted(accepted, key=lambda a: a.finger_position)
