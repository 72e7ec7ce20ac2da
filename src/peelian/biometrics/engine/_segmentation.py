"""Foreground segmentation: where in the image is there a readable fingerprint?"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._orientation import coarse

F32 = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]


def normalise(image: npt.NDArray[np.uint8]) -> F32:
    """Return the image as ``float32`` with zero mean and unit variance."""
    f = image.astype(np.float32)
    return (f - float(f.mean())) / max(float(f.std()), 1e-6)


def segment(image: F32, coherence: F32) -> Mask:
    """Separate the fingerprint from the background, on the field grid.

    A cell is foreground when the local contrast is high compared with the image's own
    contrast and the local ridge orientation is coherent; the mask is then cleaned with
    morphology and reduced to its largest component with holes filled.

    Parameters
    ----------
    image
        Normalised image (``float32``).
    coherence
        Orientation coherence on the field grid, from :func:`orientation_field`.

    Returns
    -------
    numpy.ndarray
        Boolean foreground mask on the field grid.

    References
    ----------
    .. [1] A. M. Bazen and S. H. Gerez, "Segmentation of fingerprint images", ProRISC 2001.
    .. [2] D. Maltoni, D. Maio, A. K. Jain and S. Prabhakar, *Handbook of Fingerprint
       Recognition*, 2nd ed., Springer 2009, section 3.2.
    """
    k = p.SEGMENT_WINDOW
    mean = cv2.blur(image, (k, k))
    var = np.maximum(cv2.blur(image * image, (k, k)) - mean * mean, 0.0)
    std = coarse(np.sqrt(var))
    ref = float(np.percentile(std, p.SEGMENT_REFERENCE_PERCENTILE))
    raw = (std > p.SEGMENT_CONTRAST * ref) & (coherence > p.SEGMENT_COHERENCE)
    ell = cv2.MORPH_ELLIPSE
    close = 2 * (p.SEGMENT_CLOSE // (2 * p.FIELD_SCALE)) + 1
    opn = 2 * (p.SEGMENT_OPEN // (2 * p.FIELD_SCALE)) + 1
    closed = cv2.morphologyEx(
        raw.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(ell, (close, close))
    )
    m = np.asarray(
        cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(ell, (opn, opn))),
        dtype=np.uint8,
    )
    n, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    if n <= 1:
        return np.zeros(m.shape, dtype=bool)
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return _fill_holes((labels == best).astype(np.uint8))


def upsample_mask(mask: Mask, shape: tuple[int, int]) -> Mask:
    """Bring a field-grid mask to pixel resolution with smooth borders."""
    big = cv2.resize(
        mask.astype(np.float32),
        (mask.shape[1] * p.FIELD_SCALE, mask.shape[0] * p.FIELD_SCALE),
        interpolation=cv2.INTER_LINEAR,
    )
    return np.asarray(big[: shape[0], : shape[1]] > 0.5, dtype=np.bool_)


def _fill_holes(mask: npt.NDArray[np.uint8]) -> Mask:
    h, w = mask.shape
    padded = np.zeros((h + 2, w + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = mask
    flood = padded.copy()
    cv2.floodFill(flood, np.zeros((h + 4, w + 4), dtype=np.uint8), (0, 0), 1)
    holes = flood[1:-1, 1:-1] == 0
    filled: Mask = (mask > 0) | holes
    return filled
