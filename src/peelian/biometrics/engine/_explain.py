"""Explain a comparison: which minutiae were paired, under which rigid transform; draw it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from ._calibration import calibrate_raw
from ._image import ImageSource, load_image
from ._kernel import O_CX, O_CY, O_PAIRS, O_ROT, O_TX, O_TY
from ._matcher import PreparedTemplate, _workspace, prepare
from .template import Template


@dataclass(frozen=True)
class Explanation:
    """Why two prints scored what they did.

    Attributes
    ----------
    pairs
        ``(k, 2)`` array of paired minutia indices: column 0 into the probe template,
        column 1 into the candidate template.
    rotation
        Rotation taking the probe onto the candidate, radians, anticlockwise as seen on
        screen (the ISO direction convention).
    translation
        ``(tx, ty)`` in pixels: a probe point ``p`` lands at ``R @ p + translation`` in the
        candidate, with ``R`` the image-space rotation matrix of :meth:`matrix`.
    score
        Calibrated score (see :func:`compare`).
    """

    pairs: npt.NDArray[np.int32]
    rotation: float
    translation: tuple[float, float]
    score: float

    def matrix(self) -> npt.NDArray[np.float64]:
        """The 2x3 affine matrix (image coordinates, y down) of the rigid transform."""
        c, s = np.cos(self.rotation), np.sin(self.rotation)
        m: npt.NDArray[np.float64] = np.array(
            [[c, s, self.translation[0]], [-s, c, self.translation[1]]], dtype=np.float64
        )
        return m

    def transform(self, x: npt.ArrayLike, y: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Map probe positions into the candidate image; returns ``(n, 2)``."""
        pts = np.stack([np.asarray(x, float), np.asarray(y, float), np.ones(np.size(x))])
        mapped: npt.NDArray[np.float64] = (self.matrix() @ pts).T
        return mapped


def explain(probe: Template, candidate: Template) -> Explanation:
    """Compare two templates and report the paired minutiae and the alignment.

    The pairs are those the score was computed from: minutiae paired under the best rigid
    alignment (see :func:`compare`). Indices refer to the given templates.
    """
    pa: PreparedTemplate = prepare(probe)
    pb: PreparedTemplate = prepare(candidate)
    ws = _workspace()
    raw = ws.run(pa, pb)
    out = ws.out
    k = int(out[O_PAIRS])
    pairs = np.stack([pa.index[ws.pairs[0, :k]], pb.index[ws.pairs[1, :k]]], axis=1)
    rot = float(out[O_ROT])
    c, s = np.cos(rot), np.sin(rot)
    cx, cy, tx, ty = out[O_CX], out[O_CY], out[O_TX], out[O_TY]
    # q = R (p - c) + t  =  R p + (t - R c)
    trans = (float(tx - (c * cx + s * cy)), float(ty - (-s * cx + c * cy)))
    return Explanation(
        pairs=pairs.astype(np.int32),
        rotation=rot,
        translation=trans,
        score=float(calibrate_raw(raw)),
    )


def _draw_minutiae(
    img: npt.NDArray[np.uint8], t: Template, paired: set[int]
) -> npt.NDArray[np.uint8]:
    out = np.asarray(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    for i in range(len(t)):
        x, y, a = float(t.x[i]), float(t.y[i]), float(t.angle[i])
        colour = (40, 170, 40) if i in paired else (60, 60, 220)
        centre = (round(x), round(y))
        cv2.circle(out, centre, 5, colour, 1, cv2.LINE_AA)
        tip = (round(x + 12 * np.cos(a)), round(y - 12 * np.sin(a)))
        cv2.line(out, centre, tip, colour, 1, cv2.LINE_AA)
    return out


def render_comparison(
    image_a: ImageSource,
    template_a: Template,
    image_b: ImageSource,
    template_b: Template,
    explanation: Explanation,
    *,
    title: str | None = None,
) -> bytes:
    """Draw both prints side by side with their minutiae and the pairs; return PNG bytes.

    Paired minutiae are green and joined by lines; unpaired ones are red. The images are
    read like :func:`load_image` (so they must be the images the templates came from).
    `title` replaces the default caption (score, pairs, rotation).
    """
    a = _draw_minutiae(load_image(image_a), template_a, set(explanation.pairs[:, 0].tolist()))
    b = _draw_minutiae(load_image(image_b), template_b, set(explanation.pairs[:, 1].tolist()))
    h = max(a.shape[0], b.shape[0])
    gap = 16
    canvas = np.full((h + 28, a.shape[1] + gap + b.shape[1], 3), 255, dtype=np.uint8)
    canvas[28 : 28 + a.shape[0], : a.shape[1]] = a
    off = a.shape[1] + gap
    canvas[28 : 28 + b.shape[0], off:] = b
    palette = [(200, 120, 0), (0, 140, 200), (160, 0, 160), (0, 160, 100), (30, 30, 200)]
    for n, (i, j) in enumerate(explanation.pairs.tolist()):
        p = (round(float(template_a.x[i])), 28 + round(float(template_a.y[i])))
        q = (off + round(float(template_b.x[j])), 28 + round(float(template_b.y[j])))
        cv2.line(canvas, p, q, palette[n % len(palette)], 1, cv2.LINE_AA)
    label = title or (
        f"score {explanation.score:.1f}  pairs {len(explanation.pairs)}  rotation "
        f"{np.degrees(explanation.rotation):.0f} deg"
    )
    cv2.putText(canvas, label, (6, 19), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    ok, buf = cv2.imencode(".png", canvas)
    if not ok:  # pragma: no cover - OpenCV always encodes an 8-bit BGR image
        raise RuntimeError("PNG encoding failed")
    return bytes(buf.tobytes())
