"""Class-conditioned orientation model and Poincaré-index singular point detection.

Orientations are ridge directions in image coordinates: an angle ``phi`` in [0, pi) means the
ridge runs along ``(cos phi, sin phi)`` with x to the right and y *down*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import parameters as p

__all__ = ["SingularPoints", "arch_orientation", "poincare_index", "zero_pole_orientation"]

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SingularPoints:
    """Cores and deltas of a master print, ``(k, 2)`` arrays of (x, y) in pixels."""

    cores: FloatArray
    deltas: FloatArray


def _grid(shape: tuple[int, int]) -> npt.NDArray[np.complex128]:
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    return np.asarray(xs + 1j * ys, dtype=np.complex128)


def _corrected_arg(
    z: npt.NDArray[np.complex128], knots_offset: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Vizcaya-Gerhardt piecewise-linear map of ``arg z``; identity when offsets are zero."""
    knots = np.linspace(-math.pi, math.pi, 9)
    values = knots + np.append(knots_offset, knots_offset[0])
    return np.asarray(np.interp(np.angle(z), knots, values), dtype=np.float64)


def zero_pole_orientation(
    shape: tuple[int, int],
    singular: SingularPoints,
    *,
    rotation: float = 0.0,
    core_knots: npt.NDArray[np.float64] | None = None,
    delta_knots: npt.NDArray[np.float64] | None = None,
) -> FloatArray:
    """Orientation field of the zero-pole model with the Vizcaya-Gerhardt correction.

    ``phi(z) = rotation + 1/2 * (sum_c g_c(arg(z - c)) - sum_d g_d(arg(z - d)))``, where each
    ``g`` is the identity (Sherlock-Monro) perturbed at eight equally spaced knots.

    Parameters
    ----------
    shape
        ``(height, width)`` of the field.
    singular
        Core and delta positions in pixels.
    rotation
        Orientation far from every singular point (0 = horizontal ridges).
    core_knots, delta_knots
        ``(k, 8)`` knot offsets in radians for each core and delta; zero when omitted. Offsets
        below ``pi / 8`` in magnitude keep each ``g`` monotonic, which preserves the Poincaré
        index of every singular point.

    Returns
    -------
    numpy.ndarray
        ``float32`` orientations in [0, pi).

    References
    ----------
    .. [1] B. G. Sherlock and D. M. Monro, "A model for interpreting fingerprint topology",
       Pattern Recognition 26(7):1047-1054, 1993.
    .. [2] P. R. Vizcaya and L. A. Gerhardt, "A nonlinear orientation model for global
       description of fingerprints", Pattern Recognition 29(7):1221-1231, 1996.
    """
    z = _grid(shape)
    total = np.full(shape, 2.0 * rotation)
    for points, knots, sign in (
        (singular.cores, core_knots, 1.0),
        (singular.deltas, delta_knots, -1.0),
    ):
        for i, (x, y) in enumerate(points):
            offsets = np.zeros(8) if knots is None else knots[i]
            total += sign * _corrected_arg(z - complex(x, y), offsets)
    return np.mod(total / 2.0, math.pi).astype(np.float32)


def arch_orientation(
    shape: tuple[int, int],
    centre: tuple[float, float],
    amplitude: float,
    width: float,
    rotation: float = 0.0,
) -> FloatArray:
    """Orientation of a plain arch: ridges ``y = y0 - A(y0) exp(-(x - cx)^2 / (2 w^2))``.

    The arch height ``A`` peaks at the centre row and fades towards the fingertip and the
    crease, so ridges are flat at both ends and humped in the middle, with no singular point.

    Returns
    -------
    numpy.ndarray
        ``float32`` orientations in [0, pi).

    References
    ----------
    .. [1] D. Maltoni, D. Maio, A. K. Jain and S. Prabhakar, "Handbook of Fingerprint
       Recognition", 2nd ed., Springer, 2009, section 6.4 (orientation models).
    """
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    dx = xs - centre[0]
    bump = np.exp(-(dx**2) / (2 * width**2))
    profile = amplitude * np.exp(-(((ys - centre[1]) / (p.ARCH_PROFILE * h)) ** 2))
    slope = profile * dx / width**2 * bump
    return np.asarray(np.mod(np.arctan(slope) + rotation, math.pi), dtype=np.float32)


def poincare_index(orientation: FloatArray, x: float, y: float, radius: float) -> float:
    """Poincaré index of an orientation field around a circle.

    Parameters
    ----------
    orientation
        Orientation field in radians (mod pi).
    x, y
        Centre of the circle in pixels.
    radius
        Circle radius in pixels; the circle must lie inside the field.

    Returns
    -------
    float
        About +0.5 around a core (loop), -0.5 around a delta, +1 around a whorl's two cores,
        0 where there is no singular point.

    References
    ----------
    .. [1] M. Kawagoe and A. Tojo, "Fingerprint pattern classification", Pattern Recognition
       17(3):295-303, 1984.
    """
    n = max(16, int(2 * math.pi * radius / 2))
    t = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    xs = np.clip(np.rint(x + radius * np.cos(t)).astype(int), 0, orientation.shape[1] - 1)
    ys = np.clip(np.rint(y + radius * np.sin(t)).astype(int), 0, orientation.shape[0] - 1)
    phi = orientation[ys, xs].astype(np.float64)
    d = np.diff(np.append(phi, phi[0]))
    d = (d + math.pi / 2) % math.pi - math.pi / 2
    return float(d.sum() / (2 * math.pi))


def place_singular_points(
    cls: str, shape: tuple[int, int], rng: np.random.Generator
) -> SingularPoints:
    """Random class-typical core and delta positions (ranges in :mod:`.parameters`).

    Parameters
    ----------
    cls
        ``"left_loop"``, ``"right_loop"``, ``"whorl"`` or ``"tented_arch"``; anything else
        (a plain arch) has no singular point.
    shape
        ``(height, width)`` of the canvas.
    rng
        Source of the random positions.

    Returns
    -------
    SingularPoints
        Cores and deltas in pixels, kept :data:`.parameters.SINGULAR_MARGIN` inside the canvas.

    References
    ----------
    .. [1] D. Maltoni et al., "Handbook of Fingerprint Recognition", 2nd ed., 2009, 5.1
       (fingerprint classes and their singularities).
    """
    h, w = shape
    u = rng.uniform
    cores: list[tuple[float, float]] = []
    deltas: list[tuple[float, float]] = []
    if cls in ("left_loop", "right_loop"):
        cx, cy = u(*p.LOOP_CORE_X) * w, u(*p.LOOP_CORE_Y) * h
        span, angle = u(*p.LOOP_SPAN) * h, u(*p.LOOP_DELTA_ANGLE)
        cores.append((cx, cy))
        deltas.append((cx + span * math.cos(angle), cy + span * math.sin(angle)))
        if cls == "right_loop":
            cores = [(w - 1 - x, y) for x, y in cores]
            deltas = [(w - 1 - x, y) for x, y in deltas]
    elif cls == "whorl":
        mx, my = u(*p.WHORL_CENTRE_X) * w, u(*p.WHORL_CENTRE_Y) * h
        half, tilt = u(*p.WHORL_CORE_GAP) * h / 2, u(*p.WHORL_CORE_TILT)
        dx, dy = half * math.sin(tilt), half * math.cos(tilt)
        cores.extend([(mx - dx, my - dy), (mx + dx, my + dy)])
        for side in (-1.0, 1.0):
            deltas.append((mx + side * u(*p.WHORL_DELTA_DX) * w, my + u(*p.WHORL_DELTA_DY) * h))
    elif cls == "tented_arch":
        cx, cy = u(*p.TENTED_CORE_X) * w, u(*p.TENTED_CORE_Y) * h
        cores.append((cx, cy))
        deltas.append((cx + u(-0.01, 0.01) * w, cy + u(*p.TENTED_SPAN) * h))

    def inside(points: list[tuple[float, float]]) -> FloatArray:
        m = p.SINGULAR_MARGIN
        arr = np.array(points, dtype=np.float32).reshape(-1, 2)
        arr[:, 0] = np.clip(arr[:, 0], m * w, (1 - m) * w)
        arr[:, 1] = np.clip(arr[:, 1], m * h, (1 - m) * h)
        return arr

    return SingularPoints(inside(cores), inside(deltas))
