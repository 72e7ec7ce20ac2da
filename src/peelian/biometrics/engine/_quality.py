"""Impression quality 0-100."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import parameters as p

F32 = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]


def image_quality(
    mask: Mask, coherence: F32, block_energy: F32, block_mask: Mask, minutiae: int
) -> int:
    """Score how usable an impression is, from 0 (unusable) to 100.

    The score multiplies the mean orientation coherence of the foreground (are there clear,
    regular ridges?), the mean share of spectral power in the ridge band (is the ridge
    signal clean?), and factors for foreground area and minutiae count (is there enough of
    the finger?). It follows the spirit of the NFIQ 2 local clarity and orientation
    certainty features without being NFIQ 2.

    References
    ----------
    .. [1] E. Tabassi et al., "NFIQ 2.0: NIST Fingerprint Image Quality", NISTIR 8034, 2016.
    .. [2] F. Alonso-Fernandez et al., "A comparative study of fingerprint image-quality
       estimation methods", IEEE TIFS 2(4), 2007.
    """
    if not mask.any() or not block_mask.any() or minutiae < p.MIN_MINUTIAE:
        return 0
    coh = float(np.clip(coherence[mask].mean() / p.QUALITY_FULL_COHERENCE, 0.0, 1.0))
    clarity = float(np.clip(block_energy[block_mask].mean() / p.QUALITY_FULL_ENERGY, 0.0, 1.0))
    area = min(1.0, float(mask.sum()) * p.FIELD_SCALE**2 / p.QUALITY_FULL_AREA)
    count = min(1.0, minutiae / p.QUALITY_FULL_MINUTIAE)
    q = 100.0 * np.sqrt(coh * clarity) * np.sqrt(area) * np.sqrt(count)
    return int(np.clip(round(q), 1, 100))
