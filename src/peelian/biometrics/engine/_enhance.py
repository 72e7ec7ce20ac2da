"""Contextual filtering: enhance ridges with filters tuned to local orientation and frequency."""

from __future__ import annotations

import functools

import numba as nb
import numpy as np
import numpy.typing as npt
import scipy.fft

from . import parameters as p
from ._frequency import C64, Spectra, block_grid, frequency_grid, hann2d

F32 = npt.NDArray[np.float32]


def enhance(spectra: Spectra, orientation: F32, frequency: F32, coherence: F32) -> F32:
    """Filter every block with a band-pass tuned to its ridges and overlap-add the result.

    Each block's spectrum is multiplied by a radial Gaussian centred on the local ridge
    frequency and an angular window centred on the ridge normal; the angular band widens
    where the orientation is unreliable. This is the frequency-domain counterpart of Gabor
    filtering.

    Parameters
    ----------
    spectra
        Block spectra from :func:`block_spectra`.
    orientation, frequency, coherence
        Ridge orientation, ridge frequency and orientation coherence of each selected block.

    Returns
    -------
    numpy.ndarray
        Enhanced image (``float32``) of the input's shape; the grey-level polarity of the
        input is kept (ridges dark, i.e. negative), background blocks are zero.

    References
    ----------
    .. [1] S. Chikkerur, A. N. Cartwright and V. Govindaraju, "Fingerprint enhancement using
       STFT analysis", Pattern Recognition 40(1), 2007.
    .. [2] L. Hong, Y. Wan and A. K. Jain, "Fingerprint image enhancement: algorithm and
       performance evaluation", IEEE TPAMI 20(8), 1998.
    """
    radius, cos2, sin2 = frequency_grid()
    coh = np.clip(coherence, 0.0, 1.0)
    sigma = p.FILTER_ANGULAR_SIGMA + (1.0 - coh) * (
        p.FILTER_ANGULAR_SIGMA_MAX - p.FILTER_ANGULAR_SIGMA
    )
    orientation = orientation.astype(np.float32)
    frequency = frequency.astype(np.float32)
    sigma = sigma.astype(np.float32)
    rows, cols = np.nonzero(spectra.block_mask)
    y0 = (rows * p.STFT_STEP).astype(np.int32)
    x0 = (cols * p.STFT_STEP).astype(np.int32)
    h, w = spectra.shape
    out = np.zeros((h, w), dtype=np.float32)
    # A few blocks at a time, so that they stay in cache from filter to overlap-add.
    for k in range(0, len(rows), p.STFT_CHUNK):
        part = slice(k, k + p.STFT_CHUNK)
        filtered_spectra = _filter_blocks(
            spectra.spectra[part],
            radius,
            cos2,
            sin2,
            orientation[part],
            frequency[part],
            sigma[part],
            p.FILTER_RADIAL_SIGMA,
        )
        filtered = scipy.fft.irfft2(filtered_spectra, s=(p.STFT_BLOCK,) * 2, workers=1)
        _accumulate(filtered.astype(np.float32, copy=False), y0[part], x0[part], hann2d(), out)
    return np.asarray(out / _window_norm(h, w), dtype=np.float32)


@nb.njit(cache=True, nogil=True)
def _filter_blocks(
    sp: C64,
    radius: F32,
    cos2: F32,
    sin2: F32,
    orientation: F32,
    freq: F32,
    sigma: F32,
    radial_sigma: float,
) -> C64:  # pragma: no cover - compiled
    """Multiply each block spectrum by its radial-Gaussian x angular (von Mises) window."""
    n, h, w = sp.shape
    out = np.zeros_like(sp)
    for b in range(n):
        f0 = freq[b]
        rs = radial_sigma * f0
        kappa = 1.0 / (4.0 * sigma[b] * sigma[b])
        c = np.cos(2.0 * orientation[b] + np.pi)
        s = np.sin(2.0 * orientation[b] + np.pi)
        inv = 1.0 / rs
        # Bins beyond this radius get weights below exp(-7) whatever their angle; radius[i, 0]
        # and radius[0, j] are the row's and the column's own frequencies.
        reach = f0 + 3.75 * rs
        for i in range(h):
            if radius[i, 0] >= reach:
                continue
            for j in range(w):
                if radius[0, j] >= reach:
                    break
                dr = (radius[i, j] - f0) * inv
                e = -0.5 * dr * dr + kappa * (cos2[i, j] * c + sin2[i, j] * s - 1.0)
                # Weights below exp(-7) (0.1 %) are left at zero: they change nothing visible.
                if e > -7.0:
                    out[b, i, j] = sp[b, i, j] * np.float32(np.exp(e))
    return out


@functools.lru_cache(maxsize=8)
def _window_norm(h: int, w: int) -> F32:
    """Summed squared windows of every block of the grid covering an h x w image."""
    ny, nx = block_grid((h, w))
    rows, cols = np.divmod(np.arange(ny * nx), nx)
    win = hann2d()
    ones = np.broadcast_to(win, (ny * nx, *win.shape)).astype(np.float32)
    norm = np.zeros((h, w), dtype=np.float32)
    _accumulate(
        ones,
        (rows * p.STFT_STEP).astype(np.int32),
        (cols * p.STFT_STEP).astype(np.int32),
        win,
        norm,
    )
    norm = np.maximum(norm, 1e-6)
    norm.setflags(write=False)
    return norm


@nb.njit(cache=True, nogil=True)
def _accumulate(
    blocks: F32, y0: npt.NDArray[np.int32], x0: npt.NDArray[np.int32], win: F32, out: F32
) -> None:  # pragma: no cover - compiled
    """Add ``blocks * window`` into `out` at their positions (origins padded by half a block).

    The sum is later divided by the squared windows of *all* blocks of the grid, so the
    output fades to zero where the analysed (foreground) blocks end.
    """
    b = win.shape[0]
    half = b // 2
    h, w = out.shape
    for k in range(blocks.shape[0]):
        for i in range(b):
            y = y0[k] + i - half
            if y < 0 or y >= h:
                continue
            for j in range(b):
                x = x0[k] + j - half
                if 0 <= x < w:
                    out[y, x] += blocks[k, i, j] * win[i, j]
