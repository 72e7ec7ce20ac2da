"""Short-time Fourier analysis of the image and the local ridge frequency."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numba as nb
import numpy as np
import numpy.typing as npt
import scipy.fft
from scipy.ndimage import median_filter

from . import parameters as p

F32 = npt.NDArray[np.float32]
C64 = npt.NDArray[np.complex64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Spectra:
    """Spectra of the foreground blocks of an image.

    Blocks are ``STFT_BLOCK`` pixels wide, Hann-windowed and centred every ``STFT_STEP``
    pixels from pixel (0, 0); only blocks flagged in `block_mask` are transformed.
    """

    spectra: C64
    """Half-plane spectra of the selected blocks, shape (n, block, block // 2 + 1)."""
    block_mask: Mask
    """Which blocks of the (rows, cols) grid were transformed."""
    shape: tuple[int, int]
    """Shape of the analysed image."""


def block_grid(shape: tuple[int, int]) -> tuple[int, int]:
    """Number of block rows and columns covering an image of this shape."""
    step = p.STFT_STEP
    return (shape[0] - 1) // step + 1, (shape[1] - 1) // step + 1


@functools.cache
def hann2d() -> npt.NDArray[np.float32]:
    """The 2-D periodic Hann window of one block."""
    b = p.STFT_BLOCK
    hann = np.hanning(b + 1)[:b]
    return np.outer(hann, hann).astype(np.float32)


@functools.cache
def frequency_grid() -> tuple[F32, F32, F32]:
    """Radius (cycles/pixel) and doubled-angle cosine/sine of every half-plane frequency."""
    b = p.STFT_BLOCK
    fy = np.fft.fftfreq(b)[:, None]
    fx = np.fft.rfftfreq(b)[None, :]
    radius = np.hypot(fx, fy)
    angle = np.arctan2(np.broadcast_to(fy, radius.shape), np.broadcast_to(fx, radius.shape))
    return (
        radius.astype(np.float32),
        np.cos(2 * angle).astype(np.float32),
        np.sin(2 * angle).astype(np.float32),
    )


@nb.njit(cache=True, nogil=True)
def _gather(
    padded: F32, y0: npt.NDArray[np.int32], x0: npt.NDArray[np.int32], window: F32
) -> F32:  # pragma: no cover - compiled
    b = window.shape[0]
    out = np.empty((y0.shape[0], b, b), dtype=np.float32)
    for k in range(y0.shape[0]):
        for i in range(b):
            y = y0[k] + i
            for j in range(b):
                out[k, i, j] = padded[y, x0[k] + j] * window[i, j]
    return out


def block_spectra(image: F32, block_mask: Mask) -> Spectra:
    """Cut the image into overlapping Hann-windowed blocks and transform the selected ones.

    References
    ----------
    .. [1] S. Chikkerur, A. N. Cartwright and V. Govindaraju, "Fingerprint enhancement using
       STFT analysis", Pattern Recognition 40(1), 2007.
    """
    b, step = p.STFT_BLOCK, p.STFT_STEP
    h, w = image.shape
    ny, nx = block_grid((h, w))
    half = b // 2
    pad_b = (ny - 1) * step + b - h - half
    pad_r = (nx - 1) * step + b - w - half
    padded = np.pad(image.astype(np.float32), ((half, pad_b), (half, pad_r)), mode="reflect")
    rows, cols = np.nonzero(block_mask)
    y0 = (rows * step).astype(np.int32)
    x0 = (cols * step).astype(np.int32)
    spectra = np.empty((len(rows), b, b // 2 + 1), dtype=np.complex64)
    # A few blocks at a time, so that the blocks stay in cache between cutting and transform.
    for k in range(0, len(rows), p.STFT_CHUNK):
        part = slice(k, k + p.STFT_CHUNK)
        spectra[part] = scipy.fft.rfft2(_gather(padded, y0[part], x0[part], hann2d()), workers=1)
    return Spectra(spectra=spectra, block_mask=block_mask.copy(), shape=(h, w))


def angular_weight(cos2: F32, sin2: F32, orientation: F32, sigma: F32 | float) -> F32:
    """Weight of each frequency by its angle from the ridge normal (von Mises on 2*angle).

    ``exp((cos 2d - 1) / (4 sigma^2))`` behaves like a Gaussian of width `sigma` in the
    angular distance ``d`` (modulo pi) for small ``d``.
    """
    normal2 = 2.0 * (orientation + np.float32(np.pi / 2))
    c = np.cos(normal2)[:, None, None]
    s = np.sin(normal2)[:, None, None]
    sig = np.asarray(sigma, dtype=np.float32)
    if sig.ndim:
        sig = sig[:, None, None]
    kappa = 1.0 / (4.0 * sig * sig)
    weight: F32 = np.exp(kappa * (cos2[None] * c + sin2[None] * s - 1.0)).astype(np.float32)
    return weight


@nb.njit(cache=True, nogil=True)
def _block_frequency(
    sp: C64, radius: F32, cos2: F32, sin2: F32, band: Mask, orientation: F32, kappa: float
) -> tuple[F32, F32, F32]:  # pragma: no cover - compiled
    n, h, w = sp.shape
    freq = np.zeros(n, dtype=np.float32)
    energy = np.zeros(n, dtype=np.float32)
    wsum = np.zeros(n, dtype=np.float32)
    for b in range(n):
        c = np.cos(2.0 * orientation[b] + np.pi)
        s = np.sin(2.0 * orientation[b] + np.pi)
        total = 0.0
        banded = 0.0
        ws = 0.0
        wr = 0.0
        for i in range(h):
            for j in range(w):
                v = sp[b, i, j]
                pw = v.real * v.real + v.imag * v.imag
                if i == 0 and j == 0:
                    continue
                total += pw
                if band[i, j]:
                    banded += pw
                    wt = pw * np.exp(kappa * (cos2[i, j] * c + sin2[i, j] * s - 1.0))
                    ws += wt
                    wr += wt * radius[i, j]
        freq[b] = wr / ws if ws > 0 else 0.0
        energy[b] = banded / total if total > 0 else 0.0
        wsum[b] = ws
    return freq, energy, wsum


def ridge_frequency(spectra: Spectra, orientation: F32) -> tuple[F32, F32]:
    """Estimate the ridge frequency of every block from its spectrum.

    The frequency is the power-weighted mean radius of the spectrum within the band of
    plausible ridge periods and near the direction normal to the ridges, then median
    filtered across blocks; blocks outside the mask take the median of the image.

    Parameters
    ----------
    spectra
        Block spectra from :func:`block_spectra`.
    orientation
        Ridge orientation at each selected block's centre, radians in [0, pi).

    Returns
    -------
    frequency
        Ridge frequency (cycles per pixel) on the whole block grid.
    energy
        Fraction of each block's spectral power within the ridge band (a clarity measure),
        zero outside the mask.

    References
    ----------
    .. [1] L. Hong, Y. Wan and A. K. Jain, "Fingerprint image enhancement: algorithm and
       performance evaluation", IEEE TPAMI 20(8), 1998.
    .. [2] S. Chikkerur et al., Pattern Recognition 40(1), 2007.
    """
    radius, cos2, sin2 = frequency_grid()
    band = (radius >= 1.0 / p.MAX_RIDGE_PERIOD) & (radius <= 1.0 / p.MIN_RIDGE_PERIOD)
    freq_sel, energy_sel, wsum = _block_frequency(
        spectra.spectra,
        radius,
        cos2,
        sin2,
        band,
        orientation.astype(np.float32),
        1.0 / (4.0 * p.FREQ_ANGULAR_SIGMA**2),
    )
    grid = spectra.block_mask.shape
    ok = wsum > 0
    default = float(np.median(freq_sel[ok])) if ok.any() else 1.0 / p.DEFAULT_RIDGE_PERIOD
    freq = np.full(grid, default, dtype=np.float32)
    freq[spectra.block_mask] = np.where(ok, freq_sel, default)
    freq = median_filter(freq, size=p.FREQ_SMOOTH_BLOCKS, mode="nearest")
    freq = np.clip(freq, 1.0 / p.MAX_RIDGE_PERIOD, 1.0 / p.MIN_RIDGE_PERIOD)
    energy = np.zeros(grid, dtype=np.float32)
    energy[spectra.block_mask] = energy_sel
    return freq.astype(np.float32), energy
