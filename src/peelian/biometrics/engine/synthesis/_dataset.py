"""FVC-style synthetic databases: NNN_K.tif images with ground-truth JSON."""

from __future__ import annotations

import json
import math
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ..template import MinutiaKind, Template
from ._impression import Impression, synthesize_impression
from ._master import synthesize_finger

__all__ = ["FIRST_FINGER", "finger_number", "generate_dataset", "truth_to_json"]

#: FVC numbers fingers from 101 (B sets: 101-110), so finger ``i`` (from 0) is ``101 + i``.
FIRST_FINGER = 101

ProgressCallback = Callable[[int, int], None]


def finger_number(index: int) -> int:
    """FVC finger number of the ``index``-th finger (0-based): 101, 102, ..."""
    return FIRST_FINGER + index


def _seed(*key: int) -> int:
    """A 63-bit seed derived from a key, independent for every key."""
    return int(np.random.SeedSequence(list(key)).generate_state(2, np.uint64)[0] >> np.uint64(1))


def truth_to_json(truth: Template) -> dict[str, object]:
    """JSON-ready ground truth: image size, resolution and minutiae.

    Parameters
    ----------
    truth
        Ground-truth minutiae. Not modified.

    Returns
    -------
    dict
        ``width``, ``height``, ``ppi``, ``angle_convention`` and ``minutiae`` (each with
        ``x``, ``y``, ``angle``, ``kind`` and ``quality``). Angles are radians anticlockwise
        from the x axis with y pointing up on screen; positions are pixels from the top-left.

    References
    ----------
    .. [1] ISO/IEC 19794-2:2005, section 7.4 (minutia position, direction and type).
    """
    names = {int(k): k.name.lower() for k in MinutiaKind}
    return {
        "width": truth.width,
        "height": truth.height,
        "ppi": 500,
        "angle_convention": "radians, anticlockwise from +x, y up (ISO 19794-2)",
        "minutiae": [
            {
                "x": round(float(x), 2),
                "y": round(float(y), 2),
                "angle": round(float(a) % (2 * math.pi), 4),
                "kind": names[int(k)],
                "quality": int(q),
            }
            for x, y, a, k, q in zip(
                truth.x, truth.y, truth.angle, truth.kind, truth.quality, strict=True
            )
        ],
    }


def _write(out_dir: Path, number: int, k: int, cls: str, impression: Impression) -> Path:
    path = out_dir / f"{number}_{k}.tif"
    Image.fromarray(impression.image).save(path, dpi=(500, 500))
    record = {
        "finger": number,
        "impression": k,
        "class": cls,
        **truth_to_json(impression.truth),
        "cores": np.round(impression.singular.cores, 2).tolist(),
        "deltas": np.round(impression.singular.deltas, 2).tolist(),
    }
    path.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path


def _finger(out_dir: Path, seed: int, index: int, impressions: int) -> tuple[str, list[Path]]:
    """Generate and write every impression of one finger (run in a worker process)."""
    master = synthesize_finger(_seed(seed, index))
    number = finger_number(index)
    paths = [
        _write(
            out_dir,
            number,
            k,
            master.cls.value,
            synthesize_impression(master, _seed(seed, index, k)),
        )
        for k in range(1, impressions + 1)
    ]
    return master.cls.value, paths


def _single_threaded() -> None:
    """Keep each worker process on one thread: the pool already fills the cores."""
    cv2.setNumThreads(1)


def _run(
    out_dir: Path, fingers: int, impressions: int, seed: int, workers: int
) -> Iterator[tuple[str, list[Path]]]:
    if workers <= 1:
        for i in range(fingers):
            yield _finger(out_dir, seed, i, impressions)
        return
    # "spawn" avoids forking a process that may already run OpenCV or numba threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_single_threaded) as pool:
        jobs = [pool.submit(_finger, out_dir, seed, i, impressions) for i in range(fingers)]
        for job in jobs:
            yield job.result()


def generate_dataset(
    out_dir: Path,
    fingers: int,
    impressions: int,
    seed: int,
    *,
    workers: int = 1,
    progress: ProgressCallback | None = None,
) -> list[Path]:
    """Write an FVC-style synthetic database.

    Finger ``i`` (0-based) is numbered ``101 + i`` as in the FVC B sets; its impressions are
    ``NNN_1.tif`` ... ``NNN_K.tif`` (8-bit greyscale, 500 ppi), each with ``NNN_K.json``
    holding its class and ground-truth minutiae, cores and deltas ((x, y) pixel pairs).
    ``index.json`` records the arguments and each finger's class. The output depends only
    on ``seed``, not on ``workers``.

    Parameters
    ----------
    out_dir
        Directory to write to; created if missing. Existing files of the same names are
        replaced.
    fingers, impressions
        Number of fingers and impressions per finger (both at least 1).
    seed
        Seed of the whole database.
    workers
        Worker processes (1 runs in this process).
    progress
        Called as ``progress(done, total)`` after each finger, counting impressions.

    Returns
    -------
    list of pathlib.Path
        The image files written, finger by finger.

    Raises
    ------
    ValueError
        If a count is below 1.
    OSError
        If the directory or a file cannot be written.

    References
    ----------
    .. [1] D. Maio, D. Maltoni, R. Cappelli, J. L. Wayman and A. K. Jain, "FVC2002: Second
       Fingerprint Verification Competition", Proc. ICPR 2002, vol. 3, pp. 811-814.
    """
    if fingers < 1 or impressions < 1 or workers < 1:
        raise ValueError("fingers, impressions and workers must all be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    total = fingers * impressions
    written: list[Path] = []
    classes: dict[str, str] = {}
    for i, (cls, paths) in enumerate(_run(out_dir, fingers, impressions, seed, workers)):
        written.extend(paths)
        classes[str(finger_number(i))] = cls
        if progress is not None:
            progress(len(written), total)
    index = {"seed": seed, "fingers": fingers, "impressions": impressions, "classes": classes}
    (out_dir / "index.json").write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    return written
