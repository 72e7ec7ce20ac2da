"""The extraction pipeline: image in, minutiae template out."""

from __future__ import annotations

import time

import cv2
import numpy as np

from . import parameters as p
from ._enhance import enhance
from ._frequency import block_spectra, ridge_frequency
from ._image import ImageSource, load_image
from ._minutiae import detect, select
from ._orientation import orientation_field
from ._quality import image_quality
from ._segmentation import normalise, segment, upsample_mask
from ._skeleton import binarise, thin
from ._transparency import Transparency
from .errors import ExtractionError
from .template import Template


class _Clock:
    def __init__(self, transparency: Transparency | None) -> None:
        self.t = transparency
        self.last = time.perf_counter()

    def stage(self, name: str, value: object) -> None:
        if self.t is None:
            return
        now = time.perf_counter()
        self.t.record(name, value, (now - self.last) * 1e3)
        self.last = now


def _check_ridges(coherence: np.ndarray, energy: np.ndarray) -> None:
    coh = float(coherence.mean()) if coherence.size else 0.0
    clarity = float(energy.mean()) if energy.size else 0.0
    if coh < p.MIN_RIDGE_COHERENCE or clarity < p.MIN_RIDGE_ENERGY:
        raise ExtractionError(
            f"no usable ridges: the image looks like noise or smudge (orientation coherence "
            f"{coh:.2f}, ridge-band energy {clarity:.2f}); recapture the finger"
        )


def extract(
    image: ImageSource,
    *,
    ppi: float | None = None,
    width: int | None = None,
    height: int | None = None,
    finger_position: int = 0,
    transparency: Transparency | None = None,
) -> Template:
    """Extract the minutiae template of a fingerprint image.

    The pipeline: read and resample to 500 ppi, normalise, orientation field, segmentation,
    short-time Fourier analysis, ridge frequency, contextual enhancement, binarisation,
    thinning, minutiae detection, false-minutiae removal, quality.

    Parameters
    ----------
    image
        Path, encoded bytes (PNG, TIFF, BMP, JPEG), raw 8-bit pixels with `width` and
        `height`, or a 2-D ``uint8`` array.
    ppi
        Source resolution, when the file carries none or carries a wrong one.
    width, height
        Size of raw pixel data.
    finger_position
        ISO finger position code stored in the template (0 unknown).
    transparency
        Optional hook that records every stage's output.

    Returns
    -------
    Template
        Minutiae at 500 ppi with quality.

    Raises
    ------
    ImageError
        The input is not a readable fingerprint image (see :func:`load_image`).
    ExtractionError
        No fingerprint could be found in the image.

    References
    ----------
    .. [1] D. Maltoni, D. Maio, A. K. Jain and S. Prabhakar, *Handbook of Fingerprint
       Recognition*, 2nd ed., Springer 2009, chapter 3.
    .. [2] S. Chikkerur, A. N. Cartwright and V. Govindaraju, "Fingerprint enhancement using
       STFT analysis", Pattern Recognition 40(1), 2007.
    """
    clock = _Clock(transparency)
    grey = load_image(image, ppi=ppi, width=width, height=height)
    clock.stage("image", grey)
    norm = normalise(grey)
    smooth = np.asarray(cv2.GaussianBlur(norm, (0, 0), p.PRESMOOTH_SIGMA), dtype=np.float32)
    orientation, coherence = orientation_field(smooth)
    clock.stage("orientation", orientation)
    clock.stage("coherence", coherence)
    field_mask = segment(smooth, coherence)
    mask = upsample_mask(field_mask, grey.shape)
    clock.stage("mask", mask)
    if int(mask.sum()) < p.MIN_FOREGROUND_PIXELS or mask.mean() < p.MIN_FOREGROUND_FRACTION:
        raise ExtractionError("no fingerprint found: the image has too little ridge area")
    s = p.STFT_STEP // p.FIELD_SCALE
    grow = np.ones((p.ANALYSIS_MARGIN_CELLS,) * 2, np.uint8)
    analysed = cv2.dilate(field_mask.astype(np.uint8), grow)[::s, ::s] > 0
    spectra = block_spectra(norm, analysed)
    block_orientation = orientation[::s, ::s][analysed]
    frequency, energy = ridge_frequency(spectra, block_orientation)
    clock.stage("frequency", frequency)
    _check_ridges(coherence[field_mask], energy[analysed[: energy.shape[0]]])
    enhanced = enhance(
        spectra, block_orientation, frequency[analysed], coherence[::s, ::s][analysed]
    )
    clock.stage("enhanced", enhanced)
    binary = binarise(enhanced, mask)
    clock.stage("binary", binary)
    skeleton = thin(binary)
    clock.stage("skeleton", skeleton)
    raw = detect(skeleton, orientation)
    clock.stage("minutiae_raw", raw)
    index, quality = select(raw, mask, coherence)
    iq = image_quality(field_mask, coherence, energy, analysed[: energy.shape[0]], len(index))
    if iq == 0:
        raise ExtractionError(
            f"no usable ridges: only {len(index)} reliable minutiae found (need "
            f"{p.MIN_MINUTIAE}); recapture the finger"
        )
    template = Template(
        width=grey.shape[1],
        height=grey.shape[0],
        x=raw.x[index].copy(),
        y=raw.y[index].copy(),
        angle=raw.angle[index].copy(),
        kind=raw.kind[index].copy(),
        quality=quality,
        image_quality=iq,
        finger_position=finger_position,
    )
    clock.stage("template", template)
    return template
