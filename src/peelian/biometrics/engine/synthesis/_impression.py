"""Impressions of a master print: contact, skin condition, distortion, noise, placement."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from ..template import Template
from . import parameters as p
from ._density import noise_field
from ._distortion import Placement
from ._master import MasterPrint
from ._orientation import SingularPoints
from ._truth import carry_minutiae, carry_orientation, carry_singular

__all__ = ["Impression", "ImpressionParams", "render_impression", "synthesize_impression"]

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ImpressionParams:
    """Everything that varies between two impressions of one finger.

    Attributes
    ----------
    placement
        Plastic distortion and rigid placement (master to impression coordinates).
    contact_centre, contact_axes, contact_tilt
        Elliptical contact region in master coordinates: centre (x, y), semi-axes (x, y) and
        tilt in radians.
    pressure
        Fraction of ink lost where the finger presses lightly (0 = even pressure).
    texture
        Fraction of ink the fine skin texture (pores, small creases) can remove.
    morphology
        Skin condition: negative erodes ridges (dry), positive dilates them (wet), in pixels;
        it applies in random patches rather than evenly.
    creases
        Number of creases or scars (white lines across the ridges).
    breaks
        Whether dry skin also breaks ridges into fragments.
    noise_sigma, background, ink, blur
        Sensor noise (grey levels), background and ridge grey levels, Gaussian blur sigma.
    noise_seed
        Seed of the pressure, break and sensor noise patterns.
    """

    placement: Placement
    contact_centre: tuple[float, float]
    contact_axes: tuple[float, float]
    contact_tilt: float
    pressure: float
    texture: float
    morphology: int
    creases: int
    breaks: bool
    noise_sigma: float
    background: float
    ink: float
    blur: float
    noise_seed: int


@dataclass(frozen=True, eq=False)
class Impression:
    """One synthetic capture of a finger.

    Attributes
    ----------
    image
        ``uint8`` greyscale image at 500 ppi, dark ridges on a light background.
    truth
        The master's minutiae carried into this image, keeping those in the contact region
        and inside the image.
    contact
        Boolean mask of the image pixels the finger touched.
    orientation
        Ground-truth ridge orientation in radians [0, pi), image coordinates (y down), NaN
        where the finger did not touch.
    singular
        The master's cores and deltas carried into the image (those inside it).
    params
        The parameters the impression was rendered with.
    """

    image: npt.NDArray[np.uint8]
    truth: Template
    contact: npt.NDArray[np.bool_]
    orientation: FloatArray
    singular: SingularPoints
    params: ImpressionParams


def random_impression_params(master: MasterPrint, rng: np.random.Generator) -> ImpressionParams:
    """Draw impression parameters from the ranges in :mod:`.parameters`.

    Parameters
    ----------
    master
        The finger; its canvas size scales the contact region. Not modified.
    rng
        Source of every random choice.

    Returns
    -------
    ImpressionParams
        Placement, contact, skin condition and rendering of one impression.

    References
    ----------
    .. [1] R. Cappelli, D. Maio and D. Maltoni, "Synthetic fingerprint-database generation",
       Proc. ICPR 2002, vol. 3, pp. 744-747 (impression variability).
    """
    h, w = master.shape
    cx = w * (p.CONTACT_CENTRE[0] + rng.uniform(-1, 1) * p.CONTACT_CENTRE_JITTER[0])
    cy = h * (p.CONTACT_CENTRE[1] + rng.uniform(-1, 1) * p.CONTACT_CENTRE_JITTER[1])
    placement = Placement(
        rotation=rng.uniform(*p.ROTATION),
        translation=(rng.uniform(*p.TRANSLATION), rng.uniform(*p.TRANSLATION)),
        pivot=(w / 2, h / 2),
        centre=(cx, cy),
        close_radius=rng.uniform(*p.DISTORTION_CLOSE_RADIUS),
        band=rng.uniform(*p.DISTORTION_BAND),
        skin_rotation=rng.uniform(*p.DISTORTION_ROTATION),
        skin_shift=(rng.uniform(*p.DISTORTION_SHIFT), rng.uniform(*p.DISTORTION_SHIFT)),
    )
    morphology = int(rng.integers(p.MORPHOLOGY[0], p.MORPHOLOGY[1] + 1))
    return ImpressionParams(
        placement=placement,
        contact_centre=(cx, cy),
        contact_axes=(
            w * rng.uniform(*p.CONTACT_SEMI_AXES[0]),
            h * rng.uniform(*p.CONTACT_SEMI_AXES[1]),
        ),
        contact_tilt=rng.uniform(*p.CONTACT_TILT),
        pressure=rng.uniform(*p.PRESSURE_VARIATION),
        texture=rng.uniform(*p.TEXTURE),
        morphology=morphology,
        creases=(
            int(rng.integers(p.CREASES[0], p.CREASES[1] + 1))
            if rng.random() < p.CREASE_PROBABILITY
            else 0
        ),
        breaks=morphology < 0 and bool(rng.random() < p.BREAK_PROBABILITY),
        noise_sigma=rng.uniform(*p.NOISE_SIGMA),
        background=rng.uniform(*p.BACKGROUND),
        ink=rng.uniform(*p.RIDGE_INK),
        blur=rng.uniform(*p.BLUR_SIGMA),
        noise_seed=int(rng.integers(0, 2**32)),
    )


def _contact(master: MasterPrint, params: ImpressionParams) -> FloatArray:
    """Contact weight in master coordinates: 1 inside, fading over the rim, 0 outside."""
    h, w = master.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    c, s = np.cos(params.contact_tilt), np.sin(params.contact_tilt)
    dx, dy = xs - params.contact_centre[0], ys - params.contact_centre[1]
    u, v = dx * c + dy * s, -dx * s + dy * c
    a, b = params.contact_axes
    # Approximate distance inside the ellipse boundary, in pixels.
    inside = (1.0 - np.sqrt((u / a) ** 2 + (v / b) ** 2)) * min(a, b)
    ellipse = np.clip(inside / p.CONTACT_EDGE, 0.0, 1.0)
    area = cv2.GaussianBlur(master.mask.astype(np.float32), (0, 0), 2.0)
    return np.asarray(ellipse * area, dtype=np.float32)


def _ink(master: MasterPrint, params: ImpressionParams, rng: np.random.Generator) -> FloatArray:
    """Ridge ink in master coordinates after skin condition and pressure, in [0, 1]."""
    ridges = (master.ridges > 0).astype(np.uint8)
    ink = ridges.astype(np.float32)
    if params.morphology != 0:
        cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
        op = cv2.erode if params.morphology < 0 else cv2.dilate
        changed = np.asarray(op(ridges, cross, iterations=abs(params.morphology)), np.float32)
        patch = np.clip(0.5 + 2.0 * noise_field(master.shape, p.SKIN_PATCH_SCALE, rng), 0, 1)
        ink = ink + (changed - ink) * patch
    ink *= 1.0 - _creases(master.shape, params.creases, rng)
    if params.breaks:
        gaps = noise_field(master.shape, p.BREAK_SCALE, rng)
        ink *= np.clip((gaps + p.BREAK_FRACTION) * 4.0, 0.0, 1.0)
    pores = noise_field(master.shape, p.TEXTURE_SCALE, rng)
    ink *= 1.0 - params.texture * np.clip((pores - p.TEXTURE_THRESHOLD) * 4.0, 0.0, 1.0)
    light = noise_field(master.shape, p.PRESSURE_SCALE, rng)
    ink *= 1.0 - params.pressure * np.clip(light, 0.0, 1.0)
    return np.asarray(cv2.GaussianBlur(ink, (0, 0), p.INK_BLUR), dtype=np.float32)


def _creases(shape: tuple[int, int], count: int, rng: np.random.Generator) -> FloatArray:
    """Soft mask of ``count`` random creases or scars, 1 where they erase the ridges."""
    h, w = shape
    mask = np.zeros(shape, dtype=np.uint8)
    for _ in range(count):
        cx, cy = rng.uniform(0.2 * w, 0.8 * w), rng.uniform(0.2 * h, 0.8 * h)
        tilt = rng.uniform(-p.CREASE_TILT, p.CREASE_TILT)
        half = rng.uniform(*p.CREASE_LENGTH) / 2
        dx, dy = half * np.cos(tilt), half * np.sin(tilt)
        width = int(rng.integers(p.CREASE_WIDTH[0], p.CREASE_WIDTH[1] + 1))
        start = (round(cx - dx), round(cy - dy))
        end = (round(cx + dx), round(cy + dy))
        cv2.line(mask, start, end, 1, width, cv2.LINE_AA)
    return np.asarray(cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 0.8), np.float32)


def render_impression(master: MasterPrint, params: ImpressionParams) -> Impression:
    """Render an impression of a master print with given parameters.

    Parameters
    ----------
    master
        The finger. Not modified.
    params
        How the finger touched the sensor and how the sensor rendered it.

    Returns
    -------
    Impression
        Image, carried ground truth and contact mask.

    References
    ----------
    .. [1] R. Cappelli, D. Maio and D. Maltoni, "Synthetic fingerprint-database generation",
       Proc. ICPR 2002, vol. 3, pp. 744-747.
    .. [2] R. Cappelli, D. Maio and D. Maltoni, "Modelling plastic distortion in fingerprint
       images", Proc. ICAPR 2001, LNCS 2013, pp. 369-376.
    """
    rng = np.random.default_rng(params.noise_seed)
    h, w = master.shape
    contact = _contact(master, params)
    layer = _ink(master, params, rng) * contact
    maps = params.placement.warp_maps((h, w), p.MAP_STEP)
    map_x, map_y = maps.map_x, maps.map_y
    warped = cv2.remap(layer, map_x, map_y, cv2.INTER_LINEAR, borderValue=0.0)
    touched = cv2.remap(contact, map_x, map_y, cv2.INTER_LINEAR, borderValue=0.0) >= 0.5
    variation = noise_field((h, w), p.BACKGROUND_SCALE, rng)
    background = params.background + p.BACKGROUND_VARIATION * variation
    image = background - (background - params.ink) * warped
    image = cv2.GaussianBlur(image.astype(np.float32), (0, 0), params.blur)
    noise = rng.normal(0.0, params.noise_sigma, (h, w)).astype(np.float32)
    share = p.BACKGROUND_NOISE_SHARE
    image += noise * (share + (1.0 - share) * warped)
    orientation = carry_orientation(master.orientation, maps)
    return Impression(
        image=np.clip(np.rint(image), 0, 255).astype(np.uint8),
        truth=carry_minutiae(master.minutiae, params.placement, contact),
        contact=touched,
        orientation=np.where(touched, orientation, np.float32(np.nan)).astype(np.float32),
        singular=carry_singular(master.singular, params.placement, (h, w)),
        params=params,
    )


def synthesize_impression(master: MasterPrint, seed: int) -> Impression:
    """Take one random impression of a master print, deterministically from a seed.

    Parameters
    ----------
    master
        The finger. Not modified.
    seed
        Seed of the random generator; equal seeds give identical impressions.

    Returns
    -------
    Impression
        A ``uint8`` 500 ppi image the size of the master canvas and its ground truth.

    References
    ----------
    .. [1] R. Cappelli, D. Maio and D. Maltoni, "Synthetic fingerprint-database generation",
       Proc. ICPR 2002, vol. 3, pp. 744-747.
    """
    rng = np.random.default_rng(seed)
    return render_impression(master, random_impression_params(master, rng))
