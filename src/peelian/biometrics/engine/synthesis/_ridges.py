"""Ridge pattern growth by iterative space-variant Gabor filtering (SFinGe step 4)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from . import parameters as p

__all__ = ["gabor_kernel", "grow_ridges", "refine_ridges"]

FloatArray = npt.NDArray[np.float32]


SeparableKernel = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def gabor_kernel(orientation: float, period: float) -> SeparableKernel:
    """Even-symmetric Gabor kernel tuned to a ridge direction and period, in separable form.

    With an isotropic Gaussian envelope the complex Gabor function factorises into a function
    of x times a function of y, so its real part (the even-symmetric ridge filter) is
    ``Re(gy) Re(gx)^T - Im(gy) Im(gx)^T``: two separable passes instead of one dense 2-D
    convolution. The kernel is scaled so that a unit-amplitude sinusoid of the tuned period
    and direction gives a unit response at its crests.

    Parameters
    ----------
    orientation
        Ridge direction in radians (image coordinates, y down).
    period
        Ridge period in pixels.

    Returns
    -------
    tuple of numpy.ndarray
        ``(re_x, re_y, im_x, im_y)`` 1-D ``float32`` kernels of odd length.

    References
    ----------
    .. [1] L. Hong, Y. Wan and A. K. Jain, "Fingerprint image enhancement: algorithm and
       performance evaluation", IEEE TPAMI 20(8):777-789, 1998.
    """
    sigma = p.GABOR_SIGMA * period
    radius = max(3, math.ceil(p.GABOR_RADIUS * sigma))
    t = np.arange(-radius, radius + 1, dtype=np.float64)
    omega = 2 * math.pi / period
    envelope = np.exp(-0.5 * (t / sigma) ** 2)
    # The carrier runs across the ridges, along the normal (-sin, cos) of the ridge direction.
    gx = envelope * np.exp(-1j * omega * t * math.sin(orientation))
    gy = envelope * np.exp(1j * omega * t * math.cos(orientation))
    dense = np.real(np.outer(gy, gx))
    across = np.add.outer(t * math.cos(orientation), -t * math.sin(orientation))
    gain = float((dense * np.cos(omega * across)).sum())
    return (
        (gx.real / gain).astype(np.float32),
        gy.real.astype(np.float32),
        (-gx.imag / gain).astype(np.float32),
        gy.imag.astype(np.float32),
    )


@dataclass(frozen=True)
class _Tile:
    """One tile of the growth plan: its core, the padded region it reads, its filters."""

    core: tuple[slice, slice]
    region: tuple[slice, slice]
    inner: tuple[slice, slice]  # the core's position inside the region
    filters: tuple[tuple[SeparableKernel, npt.NDArray[np.bool_]], ...]


def _plan(orientation: FloatArray, period: FloatArray) -> list[_Tile]:
    """Split the canvas into tiles and list the (kernel, pixel mask) pairs each tile needs."""
    n_orient = p.ORIENTATION_BINS
    o_bin = np.rint(orientation / (math.pi / n_orient)).astype(np.int64) % n_orient
    p_bin = np.rint(period / p.PERIOD_BIN_WIDTH).astype(np.int64)
    combo = p_bin * n_orient + o_bin
    kernels: dict[int, SeparableKernel] = {}
    h, w = orientation.shape
    tiles = []
    step = p.GROWTH_TILE
    for y0 in range(0, h, step):
        for x0 in range(0, w, step):
            core = (slice(y0, min(y0 + step, h)), slice(x0, min(x0 + step, w)))
            codes = combo[core]
            filters = []
            for code in np.unique(codes):
                c = int(code)
                if c not in kernels:
                    kernels[c] = gabor_kernel(
                        (c % n_orient) * math.pi / n_orient, (c // n_orient) * p.PERIOD_BIN_WIDTH
                    )
                filters.append((kernels[c], codes == code))
            margin = max(k[0].shape[0] // 2 for k, _ in filters)
            ry0, rx0 = max(0, y0 - margin), max(0, x0 - margin)
            region = (
                slice(ry0, min(h, core[0].stop + margin)),
                slice(rx0, min(w, core[1].stop + margin)),
            )
            inner = (
                slice(y0 - ry0, core[0].stop - ry0),
                slice(x0 - rx0, core[1].stop - rx0),
            )
            tiles.append(_Tile(core, region, inner, tuple(filters)))
    return tiles


def _step(image: FloatArray, plan: list[_Tile]) -> FloatArray:
    """Filter every pixel with the Gabor kernel of its own orientation and period."""
    out = np.empty_like(image)
    for tile in plan:
        region = image[tile.region]
        acc = np.zeros(region[tile.inner].shape, dtype=np.float32)
        for (re_x, re_y, im_x, im_y), mask in tile.filters:
            filtered = np.asarray(
                cv2.sepFilter2D(region, -1, re_x, re_y, borderType=cv2.BORDER_REFLECT)
                + cv2.sepFilter2D(region, -1, im_x, im_y, borderType=cv2.BORDER_REFLECT),
                dtype=np.float32,
            )
            np.copyto(acc, filtered[tile.inner], where=mask)
        out[tile.core] = acc
    return out


def _saturate(image: FloatArray) -> FloatArray:
    """Amplify and clip to [-1, 1], the non-linearity that makes the growth converge."""
    return np.asarray(np.clip(image * p.GROWTH_GAIN, -1.0, 1.0), dtype=np.float32)


def grow_ridges(
    orientation: FloatArray, period: FloatArray, rng: np.random.Generator
) -> tuple[FloatArray, int]:
    """Grow a ridge pattern from a few random seeds until it stops changing.

    Each iteration filters the image with the Gabor kernel tuned to each pixel's orientation
    and period (kernels precomputed over quantised orientations and periods, applied tile by
    tile), then amplifies and clips it to [-1, 1]. Ridge trains spread from the seeds; where
    trains of different phase meet they join through ridge endings and bifurcations, which
    become the master print's minutiae. For speed the growth runs at half resolution (the
    period is still over 3 px there) and a few full-resolution iterations then sharpen it.

    Parameters
    ----------
    orientation
        Ridge directions in radians, image coordinates.
    period
        Ridge periods in pixels.
    rng
        Source of the seed positions and signs.

    Returns
    -------
    ridges : numpy.ndarray
        ``float32`` pattern in [-1, 1]; positive on ridges.
    iterations : int
        Growth iterations run (at half resolution, before the refinement).

    References
    ----------
    .. [1] R. Cappelli, D. Maio and D. Maltoni, "Synthetic fingerprint-database generation",
       Proc. ICPR 2002, vol. 3, pp. 744-747.
    .. [2] D. Maltoni et al., "Handbook of Fingerprint Recognition", 2nd ed., 2009, ch. 6.
    """
    f = p.GROWTH_SCALE
    small_plan = _plan(orientation[::f, ::f], (period[::f, ::f] / f).astype(np.float32))
    h, w = orientation[::f, ::f].shape
    image = np.zeros((h, w), dtype=np.float32)
    n_seeds = int(rng.integers(p.GROWTH_SEEDS[0], p.GROWTH_SEEDS[1] + 1))
    sy = rng.integers(0, h, n_seeds)
    sx = rng.integers(0, w, n_seeds)
    image[sy, sx] = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), n_seeds) * 50.0
    previous = np.zeros((h, w), dtype=bool)
    iterations = 0
    for iterations in range(1, p.GROWTH_MAX_ITERATIONS + 1):  # noqa: B007
        image = _saturate(_step(image, small_plan))
        sign = image > 0
        covered = float(np.mean(np.abs(image) > 0.05))
        changed = float(np.mean((sign != previous) & (np.abs(image) > 0.5)))
        previous = sign
        if covered > p.GROWTH_COVERED and changed < p.GROWTH_CONVERGED:
            break
    full = np.asarray(
        cv2.resize(image, orientation.shape[::-1], interpolation=cv2.INTER_LINEAR),
        dtype=np.float32,
    )
    return refine_ridges(full, orientation, period, p.GROWTH_REFINE_ITERATIONS), iterations


def refine_ridges(
    ridges: FloatArray, orientation: FloatArray, period: FloatArray, iterations: int
) -> FloatArray:
    """Run `iterations` full-resolution growth iterations on a pattern (heals local edits)."""
    plan = _plan(orientation, period)
    out = ridges
    for _ in range(iterations):
        out = _saturate(_step(out, plan))
    return out.astype(np.float32)
