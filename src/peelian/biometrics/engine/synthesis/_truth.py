"""Ground truth carried from a master print into an impression."""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from ..template import Template
from ._distortion import Placement, WarpMaps
from ._orientation import SingularPoints

__all__ = ["carry_minutiae", "carry_orientation", "carry_singular"]

FloatArray = npt.NDArray[np.float32]


def carry_minutiae(minutiae: Template, placement: Placement, contact: FloatArray) -> Template:
    """Master minutiae mapped into the impression, keeping those touched and in the image.

    Parameters
    ----------
    minutiae
        The master's minutiae (master coordinates). Not modified.
    placement
        Master-to-impression map.
    contact
        Contact weight in master coordinates; a minutia is kept where it is at least 0.5.

    Returns
    -------
    Template
        Minutiae in impression coordinates, directions turned by the local rotation of the map.
    """
    h, w = contact.shape
    x, y = minutiae.x.astype(np.float64), minutiae.y.astype(np.float64)
    qx, qy = placement.forward(x, y)
    angle = placement.forward_angles(x, y, minutiae.angle.astype(np.float64))
    xi = np.clip(np.rint(x).astype(int), 0, w - 1)
    yi = np.clip(np.rint(y).astype(int), 0, h - 1)
    keep = (contact[yi, xi] >= 0.5) & (qx >= 0) & (qy >= 0) & (qx < w) & (qy < h)
    return Template(
        width=w,
        height=h,
        x=qx[keep].astype(np.float32),
        y=qy[keep].astype(np.float32),
        angle=angle[keep].astype(np.float32),
        kind=minutiae.kind[keep].copy(),
        quality=minutiae.quality[keep].copy(),
        image_quality=minutiae.image_quality,
        finger_position=minutiae.finger_position,
    )


def carry_orientation(orientation: FloatArray, maps: WarpMaps) -> FloatArray:
    """Ridge orientation of every impression pixel (radians [0, pi), image coordinates).

    The master field is sampled at each pixel's master position (interpolating the doubled
    angle, which is continuous), then its direction is pushed through the map's Jacobian.
    """
    c2 = cv2.remap(np.cos(2 * orientation), maps.map_x, maps.map_y, cv2.INTER_LINEAR)
    s2 = cv2.remap(np.sin(2 * orientation), maps.map_x, maps.map_y, cv2.INTER_LINEAR)
    phi = 0.5 * np.arctan2(s2, c2)
    u, v = np.cos(phi), np.sin(phi)
    jxx, jxy, jyx, jyy = maps.jacobian
    return np.asarray(
        np.mod(np.arctan2(jyx * u + jyy * v, jxx * u + jxy * v), math.pi), dtype=np.float32
    )


def carry_singular(
    singular: SingularPoints, placement: Placement, shape: tuple[int, int]
) -> SingularPoints:
    """Cores and deltas mapped into the impression, keeping those inside the image."""
    h, w = shape

    def carry(points: FloatArray) -> FloatArray:
        if len(points) == 0:
            return points.copy()
        qx, qy = placement.forward(points[:, 0].astype(np.float64), points[:, 1].astype(np.float64))
        inside = (qx >= 0) & (qy >= 0) & (qx < w) & (qy < h)
        return np.stack([qx[inside], qy[inside]], axis=1).astype(np.float32)

    return SingularPoints(carry(singular.cores), carry(singular.deltas))
