"""Peelian fingerprint engine: extraction, 1:1 and 1:N matching, explanation, evaluation.

A pure library (numpy, OpenCV, numba, SciPy, Pillow); it knows nothing about the web
application or the database.
"""

from ._extract import extract
from ._image import load_image
from ._transparency import Transparency
from .errors import EngineError, ExtractionError, ImageError, UnsupportedFormat
from .template import MinutiaKind, Template

__all__ = [
    "EngineError",
    "ExtractionError",
    "ImageError",
    "MinutiaKind",
    "Template",
    "Transparency",
    "UnsupportedFormat",
    "extract",
    "load_image",
]
