"""Master prints: the synthetic finger from which every impression is taken."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from ..template import Template
from . import parameters as p
from ._density import period_map, silhouette
from ._dislocations import plant_dislocations
from ._minutiae import skeleton_minutiae
from ._orientation import (
    SingularPoints,
    arch_orientation,
    place_singular_points,
    zero_pole_orientation,
)
from ._ridges import grow_ridges, refine_ridges

__all__ = ["FingerprintClass", "MasterPrint", "render_master", "synthesize_finger"]

FloatArray = npt.NDArray[np.float32]


class FingerprintClass(StrEnum):
    """Henry classes the generator can draw (left/right as seen on the print)."""

    ARCH = "arch"
    TENTED_ARCH = "tented_arch"
    LEFT_LOOP = "left_loop"
    RIGHT_LOOP = "right_loop"
    WHORL = "whorl"


@dataclass(frozen=True, eq=False)
class MasterPrint:
    """A synthetic finger: its ridge pattern and everything it was built from.

    Attributes
    ----------
    seed
        Seed the master was generated from.
    cls
        Fingerprint class.
    ridges
        ``float32`` ridge pattern in [-1, 1], positive on ridges (height x width).
    mask
        Fingerprint area (silhouette), boolean.
    orientation
        Ridge direction in radians [0, pi), image coordinates (x right, y down).
    period
        Ridge period in pixels.
    singular
        Core and delta positions in pixels.
    minutiae
        Ground-truth minutiae of the master (see :func:`.skeleton_minutiae`).
    iterations
        Gabor growth iterations run.
    """

    seed: int
    cls: FingerprintClass
    ridges: FloatArray
    mask: npt.NDArray[np.bool_]
    orientation: FloatArray
    period: FloatArray
    singular: SingularPoints
    minutiae: Template
    iterations: int

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)`` of the master canvas."""
        h, w = self.ridges.shape
        return int(h), int(w)


def _orientation(
    cls: FingerprintClass, shape: tuple[int, int], rng: np.random.Generator
) -> tuple[FloatArray, SingularPoints]:
    """Orientation field and singular points for a class."""
    h, w = shape
    rotation = rng.uniform(*p.GLOBAL_ROTATION)
    if cls is FingerprintClass.ARCH:
        centre = (
            w * (p.ARCH_CENTRE[0] + rng.normal(0, p.ARCH_CENTRE_JITTER)),
            h * p.ARCH_CENTRE[1],
        )
        amplitude = h * rng.uniform(*p.ARCH_AMPLITUDE)
        width = w * rng.uniform(*p.ARCH_WIDTH)
        field = arch_orientation(shape, centre, amplitude, width, rotation)
        empty = np.zeros((0, 2), dtype=np.float32)
        return field, SingularPoints(empty, empty)
    # A right loop is a left loop seen in a mirror: build the left loop and reflect it.
    mirror = cls is FingerprintClass.RIGHT_LOOP
    base = "left_loop" if mirror else cls.value
    singular = place_singular_points(base, shape, rng)
    spread = p.VG_KNOT_JITTER * math.pi / 4
    field = zero_pole_orientation(
        shape,
        singular,
        rotation=rotation,
        core_knots=rng.uniform(-spread, spread, (len(singular.cores), 8)),
        delta_knots=rng.uniform(-spread, spread, (len(singular.deltas), 8)),
    )
    if mirror:
        field = np.mod(math.pi - field[:, ::-1], math.pi).astype(np.float32)

        def flip(points: FloatArray) -> FloatArray:
            out = points.copy()
            out[:, 0] = (w - 1) - out[:, 0]
            return out

        singular = SingularPoints(flip(singular.cores), flip(singular.deltas))
    return field, singular


def synthesize_finger(
    seed: int,
    cls: FingerprintClass | str | None = None,
    *,
    size: tuple[int, int] = p.MASTER_SIZE,
) -> MasterPrint:
    """Generate a master print (a synthetic finger), deterministically from a seed.

    Steps follow SFinGe: fingerprint area, class-conditioned orientation field (zero-pole
    model with the Vizcaya-Gerhardt correction; a dedicated model for plain arches), density
    map, ridge growth by iterative Gabor filtering, random dislocation pairs (minutiae the
    flow does not force, as real fingers have; see :func:`.plant_dislocations`), then
    ground-truth minutiae from the thinned pattern.

    Parameters
    ----------
    seed
        Seed of the random generator; equal seeds (and arguments) give identical masters.
    cls
        Fingerprint class; drawn with natural frequencies (:data:`.CLASS_FREQUENCIES`) when
        ``None``.
    size
        ``(width, height)`` of the canvas in pixels at 500 ppi.

    Returns
    -------
    MasterPrint
        The master print with its ground-truth minutiae.

    References
    ----------
    .. [1] R. Cappelli, D. Maio and D. Maltoni, "Synthetic fingerprint-database generation",
       Proc. ICPR 2002, vol. 3, pp. 744-747.
    .. [2] D. Maltoni et al., "Handbook of Fingerprint Recognition", 2nd ed., 2009, ch. 6.
    """
    rng = np.random.default_rng(seed)
    classes = list(FingerprintClass)
    chosen = (
        FingerprintClass(cls)
        if cls is not None
        else classes[int(rng.choice(len(classes), p=np.array(p.CLASS_FREQUENCIES)))]
    )
    shape = (int(size[1]), int(size[0]))
    mask = silhouette(shape, rng)
    orientation, singular = _orientation(chosen, shape, rng)
    period = period_map(shape, singular, rng)
    ridges, iterations = grow_ridges(orientation, period, rng)
    ridges = refine_ridges(
        plant_dislocations(ridges, orientation, period, mask, singular, rng),
        orientation,
        period,
        p.DISLOCATION_REFINE_ITERATIONS,
    )
    return MasterPrint(
        seed=seed,
        cls=chosen,
        ridges=ridges,
        mask=mask,
        orientation=orientation,
        period=period,
        singular=singular,
        minutiae=skeleton_minutiae(ridges, mask),
        iterations=iterations,
    )


def render_master(master: MasterPrint) -> npt.NDArray[np.uint8]:
    """Greyscale picture of a master print: dark ridges on white, blank outside its area.

    Parameters
    ----------
    master
        The master print. Not modified.

    Returns
    -------
    numpy.ndarray
        ``uint8`` image of the master canvas size.

    References
    ----------
    .. [1] R. Cappelli, D. Maio and D. Maltoni, "Synthetic fingerprint-database generation",
       Proc. ICPR 2002, vol. 3, pp. 744-747 (the master fingerprint).
    """
    ink = 255.0 - 200.0 * np.clip(master.ridges * 1.5, 0.0, 1.0)
    return np.where(master.mask, ink, 255.0).astype(np.uint8)
