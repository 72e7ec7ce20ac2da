"""Image input: decode bytes or files, check them and resample to 500 ppi."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from . import parameters as p
from .errors import ImageError, UnsupportedFormat

ImageSource = str | Path | bytes | bytearray | memoryview | npt.NDArray[np.uint8]
Gray = npt.NDArray[np.uint8]

_WSQ_MAGIC = b"\xff\xa0\xff\xa8"


def _read_bytes(source: str | Path) -> bytes:
    path = Path(source)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImageError(f"image file {path.name!r} does not exist") from None
    except IsADirectoryError:
        raise ImageError(f"{path.name!r} is a folder, not an image file") from None
    except OSError as exc:
        raise ImageError(f"image file {path.name!r} cannot be read: {exc.strerror}") from None


def _decode(data: bytes) -> tuple[Gray, float | None]:
    """Decode PNG, TIFF, BMP, JPEG ... into 8-bit grey levels and the stored ppi, if any."""
    if data[:4] == _WSQ_MAGIC:
        raise UnsupportedFormat(
            "WSQ images are not supported: no maintained WSQ decoder is available; "
            "convert the image to PNG or TIFF first"
        )
    ppi: float | None = None
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            dpi = img.info.get("dpi")
            if dpi is not None:
                ppi = float(dpi[0]) if isinstance(dpi, tuple) else float(dpi)
            grey = _to_grey(img)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        grey = _decode_cv(data)
    return grey, ppi if ppi and ppi > 1.0 else None


def _to_grey(img: Image.Image) -> Gray:
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        hi = float(arr.max()) or 1.0
        return np.ascontiguousarray(np.clip(arr * (255.0 / hi), 0, 255).astype(np.uint8))
    return np.ascontiguousarray(np.asarray(img.convert("L"), dtype=np.uint8))


def _decode_cv(data: bytes) -> Gray:
    buf = np.frombuffer(data, dtype=np.uint8)
    grey = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if buf.size else None
    if grey is None:
        raise ImageError("the data is not a readable image (unknown format, or truncated)")
    return np.ascontiguousarray(grey, dtype=np.uint8)


def load_image(
    source: ImageSource,
    *,
    ppi: float | None = None,
    width: int | None = None,
    height: int | None = None,
) -> Gray:
    """Read a fingerprint image and return it as 8-bit grey levels at 500 ppi.

    Parameters
    ----------
    source
        A path, the encoded bytes of a PNG, TIFF, BMP or JPEG file, raw 8-bit pixels (when
        `width` and `height` are given), or a 2-D ``uint8`` array.
    ppi
        Resolution of the source. When omitted the file's own dpi metadata is used, and
        500 ppi is assumed when there is none.
    width, height
        Size of raw 8-bit pixel data, row by row without header.

    Returns
    -------
    numpy.ndarray
        ``uint8`` image at 500 ppi.

    Raises
    ------
    ImageError
        Empty, truncated, undecodable, tiny, huge or blank input.
    UnsupportedFormat
        WSQ-compressed input.
    """
    stored_ppi: float | None = None
    if isinstance(source, np.ndarray):
        if source.ndim != 2 or source.dtype != np.uint8:
            raise ImageError("image arrays must be 2-D uint8 grey levels")
        grey = source.copy()
    else:
        data = (
            bytes(source)
            if isinstance(source, bytes | bytearray | memoryview)
            else _read_bytes(source)
        )
        if not data:
            raise ImageError("the image is empty (0 bytes)")
        if width is not None or height is not None:
            grey = _raw(data, width, height)
        else:
            grey, stored_ppi = _decode(data)
    src_ppi = ppi if ppi is not None else (stored_ppi or float(p.TARGET_PPI))
    if not p.MIN_PPI <= src_ppi <= p.MAX_PPI:
        raise ImageError(f"resolution {src_ppi:g} ppi is outside {p.MIN_PPI}-{p.MAX_PPI} ppi")
    _check_size(grey, "input")
    grey = _resample(grey, src_ppi)
    _check_size(grey, "resampled")
    if float(grey.std()) < p.BLANK_STD:
        raise ImageError("the image is blank (no contrast)")
    return grey


def _raw(data: bytes, width: int | None, height: int | None) -> Gray:
    if width is None or height is None or width <= 0 or height <= 0:
        raise ImageError("raw images need a positive width and height")
    if len(data) != width * height:
        raise ImageError(
            f"raw image holds {len(data)} bytes but {width}x{height} needs {width * height}"
        )
    return np.frombuffer(data, dtype=np.uint8).reshape(height, width).copy()


def _check_size(grey: Gray, what: str) -> None:
    h, w = grey.shape
    if min(h, w) < p.MIN_IMAGE_SIDE:
        raise ImageError(
            f"the {what} image is too small ({w}x{h}; minimum side "
            f"{p.MIN_IMAGE_SIDE} px at 500 ppi)"
        )
    if max(h, w) > p.MAX_IMAGE_SIDE:
        raise ImageError(
            f"the {what} image is too large ({w}x{h}; maximum side {p.MAX_IMAGE_SIDE} px)"
        )


def _resample(grey: Gray, src_ppi: float) -> Gray:
    scale = p.TARGET_PPI / src_ppi
    if abs(scale - 1.0) < 0.02:
        return grey
    h, w = grey.shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interp = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
    return np.ascontiguousarray(cv2.resize(grey, size, interpolation=interp))
