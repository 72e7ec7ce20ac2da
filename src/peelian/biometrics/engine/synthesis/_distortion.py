"""Geometry of an impression: plastic skin distortion followed by a rigid placement."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Placement"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Placement:
    """Maps master coordinates to impression coordinates (pixels, y down).

    A point ``p`` of the master goes to ``G(D(p))``. ``D`` is the plastic distortion of
    Cappelli, Maio and Maltoni: points within ``close_radius`` of ``centre`` stay put, points
    beyond ``close_radius + band`` follow the rigid motion ``T`` (rotation ``skin_rotation``
    about ``centre`` plus ``skin_shift``), and a smooth brake blends the two in the band.
    ``G`` rotates by ``rotation`` about the canvas centre ``pivot`` and shifts by
    ``translation``. Positive rotations are anticlockwise on screen, like template angles.

    References
    ----------
    .. [1] R. Cappelli, D. Maio and D. Maltoni, "Modelling plastic distortion in fingerprint
       images", Proc. ICAPR 2001, LNCS 2013, pp. 369-376.
    """

    rotation: float
    translation: tuple[float, float]
    pivot: tuple[float, float]
    centre: tuple[float, float]
    close_radius: float
    band: float
    skin_rotation: float
    skin_shift: tuple[float, float]

    @staticmethod
    def _rotate(x: FloatArray, y: FloatArray, angle: float) -> tuple[FloatArray, FloatArray]:
        """Rotate vectors anticlockwise on screen (y down) by ``angle``."""
        c, s = math.cos(angle), math.sin(angle)
        return x * c + y * s, -x * s + y * c

    def _displacement(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``D(p) - p``: the braked displacement of the plastic distortion at ``p``."""
        cx, cy = self.centre
        rx, ry = self._rotate(x - cx, y - cy, self.skin_rotation)
        tx = rx + cx + self.skin_shift[0] - x
        ty = ry + cy + self.skin_shift[1] - y
        d = np.hypot(x - cx, y - cy)
        t = np.clip((d - self.close_radius) / self.band, 0.0, 1.0)
        brake = t * t * (3.0 - 2.0 * t)
        return tx * brake, ty * brake

    def forward(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Impression coordinates of master points."""
        dx, dy = self._displacement(x, y)
        px, py = self.pivot
        rx, ry = self._rotate(x + dx - px, y + dy - py, self.rotation)
        return rx + px + self.translation[0], ry + py + self.translation[1]

    def inverse(
        self, x: FloatArray, y: FloatArray, iterations: int = 10
    ) -> tuple[FloatArray, FloatArray]:
        """Master coordinates of impression points (fixed-point inversion of ``D``)."""
        px, py = self.pivot
        ux, uy = self._rotate(
            x - px - self.translation[0], y - py - self.translation[1], -self.rotation
        )
        ux, uy = ux + px, uy + py
        mx, my = ux.copy(), uy.copy()
        for _ in range(iterations):
            dx, dy = self._displacement(mx, my)
            mx, my = ux - dx, uy - dy
        return mx, my

    def forward_angles(
        self, x: FloatArray, y: FloatArray, angle: FloatArray, step: float = 2.0
    ) -> FloatArray:
        """Template angles (anticlockwise, y up) carried through the map at master points."""
        qx, qy = self.forward(x, y)
        ex, ey = self.forward(x + step * np.cos(angle), y - step * np.sin(angle))
        return np.mod(np.arctan2(-(ey - qy), ex - qx), 2 * math.pi)
