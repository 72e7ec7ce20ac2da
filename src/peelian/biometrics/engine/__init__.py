"""Peelian fingerprint engine: extraction, 1:1 and 1:N matching, explanation, evaluation.

A pure library (numpy, OpenCV, numba, SciPy, Pillow); it knows nothing about the web
application or the database.

Typical use::

    from peelian.biometrics import engine

    probe = engine.extract("probe.png", ppi=500)
    score = engine.compare(probe, engine.extract("candidate.tif"))
    if score >= engine.fmr_to_score(1e-4):  # 40: one false match in 10,000 impostors
        ...

For 1:N, :func:`pack` prepared templates into a :class:`PreparedGallery` once and
:func:`search` it with each probe.
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
