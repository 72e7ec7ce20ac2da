"""Synthetic minutiae templates generated directly (no images), for 1:N benchmarks and tests.

Rendering and extracting a million fingerprint images is far too slow, so this module draws
*templates* straight away: a master finger is a point process of minutiae inside an elliptic
finger area, at least ``MIN_SPACING`` apart, whose directions follow a smooth zero-pole
orientation field (one or two cores and deltas plus a low-frequency perturbation), as in
SFinGe's orientation model. An impression of a master applies what a capture does to the
truth minutiae: a smooth non-linear displacement, a rigid rotation and translation, position
and direction jitter, a capture window (partial overlap), dropout and spurious minutiae.

These are not extracted from images: they are optimistic about extraction errors and about
the variety of real ridge patterns, and figures measured on them must say so.

References
----------
.. [1] R. Cappelli, D. Maio and D. Maltoni, "Synthetic fingerprint-database generation",
   ICPR 2002 (SFinGe).
.. [2] B. G. Sherlock and D. M. Monro, "A model for interpreting fingerprint topology",
   Pattern Recognition 26(7), 1993 (zero-pole orientation model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
import numpy.typing as npt

from ..engine import MinutiaKind, Template

F64 = npt.NDArray[np.float64]

MIN_SPACING = 16.0
"""Smallest distance between two master minutiae, in pixels at 500 ppi."""
MINUTIAE_RANGE = (38, 70)
"""Number of minutiae of a master finger (uniform)."""
AREA_SEMI_AXES = ((130.0, 170.0), (170.0, 220.0))
"""Ranges of the finger area's horizontal and vertical semi-axes."""
IMAGE_SIZE = (400, 500)


@dataclass(frozen=True)
class Master:
    """Truth minutiae of one synthetic finger, in its own (canonical) frame."""

    x: F64
    y: F64
    angle: F64
    kind: npt.NDArray[np.uint8]


def _orientation(rng: np.random.Generator, x: F64, y: F64, cx: float, cy: float) -> F64:
    """Zero-pole ridge orientation (radians, modulo pi) at the points, plus a smooth wobble."""
    pattern = rng.integers(0, 3)  # 0 arch, 1 loop, 2 whorl
    theta = np.zeros_like(x)
    if pattern > 0:
        core = (cx + rng.normal(0, 25), cy - rng.uniform(0, 60))
        delta = (
            core[0] + rng.choice([-1, 1]) * rng.uniform(60, 130),
            core[1] + rng.uniform(80, 150),
        )
        theta += 0.5 * np.arctan2(y - core[1], x - core[0])
        theta -= 0.5 * np.arctan2(y - delta[1], x - delta[0])
        if pattern == 2:
            core2 = (core[0] + rng.normal(0, 15), core[1] + rng.uniform(20, 50))
            delta2 = (2 * cx - delta[0], delta[1] + rng.normal(0, 20))
            theta += 0.5 * np.arctan2(y - core2[1], x - core2[0])
            theta -= 0.5 * np.arctan2(y - delta2[1], x - delta2[0])
    else:
        theta += 0.4 * np.sin((x - cx) / 90.0) * np.exp(-(((y - cy) / 150.0) ** 2))
    for _ in range(2):
        kx, ky = rng.normal(0, 1 / 120.0, size=2)
        theta += rng.normal(0, 0.15) * np.sin(2 * np.pi * (kx * x + ky * y) + rng.uniform(0, 6.3))
    return theta


@nb.njit(cache=True)
def _thin(px: F64, py: F64, spacing: float, want: int) -> npt.NDArray[np.int64]:
    """Greedy Poisson-disc thinning: keep points at least `spacing` from every kept one."""
    keep = np.empty(want, dtype=np.int64)  # pragma: no cover - compiled
    n = 0
    for i in range(px.shape[0]):
        ok = True
        for t in range(n):
            k = keep[t]
            if (px[k] - px[i]) ** 2 + (py[k] - py[i]) ** 2 < spacing * spacing:
                ok = False
                break
        if ok:
            keep[n] = i
            n += 1
            if n == want:
                break
    return keep[:n]


def master(rng: np.random.Generator) -> Master:
    """Draw one synthetic master finger."""
    w, h = IMAGE_SIZE
    cx, cy = w / 2.0, h / 2.0
    a = rng.uniform(*AREA_SEMI_AXES[0])
    b = rng.uniform(*AREA_SEMI_AXES[1])
    want = int(rng.integers(MINUTIAE_RANGE[0], MINUTIAE_RANGE[1] + 1))
    r = np.sqrt(rng.uniform(0, 1, 6 * want))
    t = rng.uniform(0, 2 * np.pi, 6 * want)
    px = cx + a * r * np.cos(t)
    py = cy + b * r * np.sin(t)
    keep = _thin(px, py, MIN_SPACING, want)
    x, y = px[keep], py[keep]
    theta = _orientation(rng, x, y, cx, cy)
    flip = rng.integers(0, 2, len(x)) * np.pi
    angle = np.mod(theta + flip + rng.normal(0, 0.05, len(x)), 2 * np.pi)
    kind = rng.choice(
        np.array([MinutiaKind.ENDING, MinutiaKind.BIFURCATION], dtype=np.uint8), len(x)
    )
    return Master(x, y, angle, kind)


def impression(
    m: Master,
    rng: np.random.Generator,
    *,
    finger_position: int = 0,
    hard: float = 1.0,
) -> Template:
    """One capture of a master finger as a template (``hard`` scales every perturbation).

    Applies, in order: a smooth non-linear displacement (skin distortion), rotation and
    translation, jitter of positions and directions, a capture window that cuts part of the
    finger away, dropout of minutiae and spurious minutiae.
    """
    w, h = IMAGE_SIZE
    cx, cy = w / 2.0, h / 2.0
    x, y, a = m.x.copy(), m.y.copy(), m.angle.copy()
    # Skin distortion: a random smooth displacement field (a few pixels).
    for _ in range(2):
        k = rng.normal(0, 1 / 250.0, size=2)
        amp = rng.normal(0, 3.0 * hard, size=2)
        phase = 2 * np.pi * (k[0] * x + k[1] * y) + rng.uniform(0, 6.3)
        x += amp[0] * np.sin(phase)
        y += amp[1] * np.sin(phase)
    rot = rng.normal(0, 0.25 * hard)
    c, s = np.cos(rot), np.sin(rot)
    tx, ty = rng.normal(0, 20 * hard, size=2)
    # Image y points down while ISO angles turn anticlockwise: rotate both consistently.
    dx, dy = x - cx, y - cy
    x = cx + c * dx + s * dy + tx
    y = cy - s * dx + c * dy + ty
    a = a + rot
    x += rng.normal(0, 2.0 * hard, len(x))
    y += rng.normal(0, 2.0 * hard, len(y))
    a += rng.normal(0, 0.08 * hard, len(a))
    # Capture window: a flat sensor sees an elliptic part of the finger.
    ex, ey = cx + rng.normal(0, 30 * hard), cy + rng.normal(0, 40 * hard)
    sa, sb = rng.uniform(120, 160), rng.uniform(150, 200)
    inside = ((x - ex) / sa) ** 2 + ((y - ey) / sb) ** 2 <= 1.0
    inside &= rng.uniform(0, 1, len(x)) >= 0.10 * hard
    x, y, a, kind = x[inside], y[inside], a[inside], m.kind[inside]
    n_fake = int(rng.poisson(4 * hard))
    if n_fake:
        r = np.sqrt(rng.uniform(0, 1, n_fake))
        t = rng.uniform(0, 2 * np.pi, n_fake)
        x = np.concatenate([x, ex + sa * r * np.cos(t)])
        y = np.concatenate([y, ey + sb * r * np.sin(t)])
        a = np.concatenate([a, rng.uniform(0, 2 * np.pi, n_fake)])
        kind = np.concatenate([kind, rng.integers(1, 3, n_fake).astype(np.uint8)])
    flip_kind = rng.uniform(0, 1, len(kind)) < 0.1
    kind = np.where(flip_kind, 3 - kind, kind).astype(np.uint8)
    n = len(x)
    quality = np.clip(rng.normal(70, 15, n), 10, 100).astype(np.uint8)
    return Template(
        width=w,
        height=h,
        x=x.astype(np.float32),
        y=y.astype(np.float32),
        angle=np.mod(a, 2 * np.pi).astype(np.float32),
        kind=kind,
        quality=quality,
        image_quality=80,
        finger_position=finger_position,
    )
