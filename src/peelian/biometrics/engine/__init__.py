"""Peelian fingerprint engine: extraction, 1:1 and 1:N matching, explanation, evaluation.

A pure library (numpy, OpenCV, numba, SciPy, Pillow); it knows nothing about the web
application or the database.

Typical use::

    from peelian.biometrics import engine

    probe = engine.extract("probe.png", ppi=500)
    score = engine.compare(probe, engine.extract("candidate.tif"))
    if score >= engine.fmr_to_score(1e-4):  # 40: one false match in 10,000 impostors
        ...

For 1:N, :func:`pack` templates into a :class:`PreparedGallery` once and :func:`search` it
with each probe (:func:`prepare` the probe once when it is searched against several shards).

Design
------
Extraction (``_extract.extract`` reads as the pipeline): resample to 500 ppi; normalise;
gradient-tensor orientation field and coherence on 4-pixel cells; contrast/coherence
segmentation; short-time Fourier analysis of 48-pixel Hann blocks every 16 pixels; ridge
frequency per block; contextual filtering in the frequency domain (radial x angular window,
the STFT counterpart of Gabor filtering); sign binarisation; Zhang-Suen thinning; crossing-
number minutiae traced along the skeleton for direction; removal of border minutiae, spurs,
bridges, fragments, clusters and broken-ridge pairs; quality from coherence, clarity, area.

Matching: each minutia gets a bit-packed Minutia Cylinder-Code style descriptor (8x8 spatial
cells within 70 px, 4 direction sections, plus a valid-cell word). A cheap whole-cylinder
similarity shortlists seed pairs; each seed defines a rigid alignment, and a Hough-style vote
among the seeds picks the few worth evaluating, ranked by how well they pair minutiae
(closeness plus validity-masked cylinder similarity); the best is refitted by least squares,
and its pairs are checked edge by edge (lengths and relative angles), which tolerates skin
distortion. The evidence, normalised by the minutiae in the common area, is
mapped to ``-10 log10(FMR)`` by knots fitted on impostor comparisons.
"""

from ._explain import Explanation, explain, render_comparison
from ._extract import extract
from ._gallery import PreparedGallery, pack, search
from ._image import load_image
from ._matcher import PreparedTemplate, prepare
from ._scoring import compare, fmr_to_score, fuse, score_to_fmr
from ._transparency import Transparency
from .errors import EngineError, ExtractionError, ImageError, UnsupportedFormat
from .template import MinutiaKind, Template

__all__ = [
    "EngineError",
    "Explanation",
    "ExtractionError",
    "ImageError",
    "MinutiaKind",
    "PreparedGallery",
    "PreparedTemplate",
    "Template",
    "Transparency",
    "UnsupportedFormat",
    "compare",
    "explain",
    "extract",
    "fmr_to_score",
    "fuse",
    "load_image",
    "pack",
    "prepare",
    "render_comparison",
    "score_to_fmr",
    "search",
]
