"""Errors raised by the fingerprint engine; every one carries a human-readable reason."""

from __future__ import annotations

__all__ = ["EngineError", "ExtractionError", "ImageError", "UnsupportedFormat"]


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class ImageError(EngineError):
    """The input could not be read as a usable fingerprint image."""


class UnsupportedFormat(ImageError):
    """The input is in a format the engine cannot decode."""


class ExtractionError(EngineError):
    """The image was read but holds no usable fingerprint (blank, no ridges, too small)."""
