"""Geometry of an impression: plastic skin distortion followed by a rigid placement."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["Placement", "WarpMaps"]

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class WarpMaps:
    """Per-pixel view of a :class:`Placement` from the impression side.

    Attributes
    ----------
    map_x, map_y
        Master coordinates of every impression pixel (for :func:`cv2.remap`).
    jacobian
        ``(dqx/dx, dqx/dy, dqy/dx, dqy/dy)``: derivatives of the forward map at those master
        points, which turn master directions into impression directions.
    """

    map_x: Float32Array
    map_y: Float32Array
    jacobian: tuple[Float32Array, Float32Array, Float32Array, Float32Array]


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

    def warp_maps(self, shape: tuple[int, int], step: int) -> WarpMaps:
        """Inverse map and forward Jacobian for every pixel of an impression of ``shape``.

        Both are smooth, so they are computed exactly every ``step`` pixels and interpolated
        bilinearly in between (position error far below 0.01 px), which is much cheaper than
        inverting the distortion at every pixel.
        """
        h, w = shape
        gy, gx = np.mgrid[0 : h + step : step, 0 : w + step : step].astype(np.float64)
        mx, my = self.inverse(gx, gy)
        e = 0.5
        px, py = self.forward(mx + e, my)
        nx, ny = self.forward(mx - e, my)
        qx, qy = self.forward(mx, my + e)
        sx, sy = self.forward(mx, my - e)
        coarse = (
            mx,
            my,
            (px - nx) / (2 * e),
            (qx - sx) / (2 * e),
            (py - ny) / (2 * e),
            (qy - sy) / (2 * e),
        )
        fy, fx = np.mgrid[0:h, 0:w].astype(np.float32) / np.float32(step)
        full = [
            np.asarray(cv2.remap(c.astype(np.float32), fx, fy, cv2.INTER_LINEAR), np.float32)
            for c in coarse
        ]
        return WarpMaps(full[0], full[1], (full[2], full[3], full[4], full[5]))

    def forward_angles(
        self, x: FloatArray, y: FloatArray, angle: FloatArray, step: float = 2.0
    ) -> FloatArray:
        """Template angles (anticlockwise, y up) carried through the map at master points."""
        qx, qy = self.forward(x, y)
        ex, ey = self.forward(x + step * np.cos(angle), y - step * np.sin(angle))
        return np.mod(np.arctan2(-(ey - qy), ex - qx), 2 * math.pi)
