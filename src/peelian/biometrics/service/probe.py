"""Probe decoding, in memory only: base64 images or templates to templates (and 500 ppi images).

Errors name the finger and what is wrong; they never echo the probe's bytes.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses

import numpy as np

from peelian.biometrics import engine
from peelian.biometrics.engine import formats
from peelian.biometrics.schemas.search import FingerIn, SearchCreate
from peelian.biometrics.service.probe_cache import ProbeFinger, wipe
from peelian.core.errors import FieldError, InvalidInput

__all__ = ["MIN_PROBE_QUALITY", "ProbeUnusable", "decode_probe"]

MIN_PROBE_QUALITY = 20
"""Probe fingers below this image quality (0-100) are refused with a recapture prompt."""


class ProbeUnusable(InvalidInput):
    """A probe finger is not a usable fingerprint (or not one at all)."""

    slug = "probe-unusable"


def _unusable(field: str, message: str) -> ProbeUnusable:
    return ProbeUnusable(f"{field}: {message}", errors=[FieldError(field, message)])


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _unusable(field, "is not valid base64") from None


def _from_template(finger: FingerIn, field: str) -> engine.Template:
    data = _b64(finger.template_b64 or "", field + "/template_b64")
    try:
        if finger.template_format == "native":
            views = [formats.deserialize(data)]
        elif finger.template_format == "ansi378":
            views = formats.from_ansi378(data)
        else:
            views = formats.from_iso19794_2(data)
    except formats.TemplateFormatError as exc:
        raise _unusable(field + "/template_b64", f"is not a valid template: {exc}") from None
    finally:
        del data
    same = [v for v in views if v.finger_position == finger.position]
    template = (same or views)[0]
    if len(template) == 0:
        raise _unusable(field, "the template holds no minutiae; recapture the finger")
    return dataclasses.replace(template, finger_position=finger.position)


def _from_image(finger: FingerIn, field: str) -> ProbeFinger:
    data = _b64(finger.image_b64 or "", field + "/image_b64")
    try:
        grey = np.array(engine.load_image(data, ppi=finger.ppi))  # a writable copy to wipe
        template = engine.extract(grey, finger_position=finger.position)
    except engine.EngineError as exc:
        raise _unusable(field + "/image_b64", f"is not a usable fingerprint: {exc}") from None
    finally:
        del data
    if template.image_quality < MIN_PROBE_QUALITY:
        raise _unusable(
            field + "/image_b64",
            f"image quality {template.image_quality} is below {MIN_PROBE_QUALITY}; "
            "recapture the finger",
        )
    return ProbeFinger(finger.position, template, grey)


def decode_probe(search_in: SearchCreate) -> list[ProbeFinger]:
    """The probe fingers as templates (and 500 ppi images), in memory; refuses unusable ones."""
    out: list[ProbeFinger] = []
    try:
        for i, finger in enumerate(search_in.fingers):
            field = f"/fingers/{i}"
            if finger.image_b64 is not None:
                out.append(_from_image(finger, field))
            else:
                out.append(ProbeFinger(finger.position, _from_template(finger, field), None))
    except ProbeUnusable:
        wipe(out)
        raise
    return out
