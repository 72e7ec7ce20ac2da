"""1:1 comparison of prepared templates, with scores calibrated to the false match rate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._descriptor import cell_offsets, cylinders
from ._kernel import OUT_SIZE, compare_core
from .template import Template

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True, eq=False)
class PreparedTemplate:
    """A template made ready for fast comparison: best minutiae plus their cylinders.

    Build one with :func:`prepare` once per probe and per gallery entry, then compare it
    as often as needed.
    """

    x: F32
    y: F32
    angle: F32
    kind: npt.NDArray[np.uint8]
    bits: U64
    """``(n, MCC_ANGULAR_CELLS)`` cylinder bit words."""
    valid: U64
    """``(n,)`` valid-cell words; zero for cylinders too empty to compare."""
    index: I32
    """Index of each prepared minutia in the source template (minutiae are sorted by x)."""
    rank: I32
    """Prepared minutiae ordered by decreasing quality (for choosing alignment seeds)."""

    def __len__(self) -> int:
        return len(self.x)


def prepare(template: Template) -> PreparedTemplate:
    """Select the best ``MATCH_MINUTIAE`` minutiae and build their cylinders.

    Cylinders are computed from all minutiae of the template, so that the neighbourhood of
    each kept minutia is complete.

    References
    ----------
    .. [1] R. Cappelli, M. Ferrara and D. Maltoni, "Minutia Cylinder-Code", IEEE TPAMI 32(12),
       2010.
    """
    bits, valid, usable = cylinders(template)
    order = np.argsort(-template.quality.astype(np.int32), kind="stable")[: p.MATCH_MINUTIAE]
    # The kernel expects minutiae sorted by x (it binary-searches overlap windows).
    order = order[np.argsort(np.round(template.x[order]), kind="stable")]
    # Quantise as a packed gallery stores them, so 1:1 and 1:N scores agree exactly.
    x, y, angle = quantise(template.x[order], template.y[order], template.angle[order])
    return PreparedTemplate(
        x=dequantise_position(x),
        y=dequantise_position(y),
        angle=dequantise_angle(angle),
        kind=template.kind[order].copy(),
        bits=np.ascontiguousarray(bits[order]),
        valid=np.where(usable[order], valid[order], np.uint64(0)).astype(np.uint64),
        index=order.astype(np.int32),
        rank=np.argsort(-template.quality[order].astype(np.int32), kind="stable").astype(np.int32),
    )


def quantise(
    x: npt.ArrayLike, y: npt.ArrayLike, angle: npt.ArrayLike
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16], npt.NDArray[np.uint8]]:
    """Positions to whole pixels (``int16``), directions to 256 steps (``uint8``)."""
    xq = np.clip(np.round(np.asarray(x, dtype=np.float64)), -32768, 32767).astype(np.int16)
    yq = np.clip(np.round(np.asarray(y, dtype=np.float64)), -32768, 32767).astype(np.int16)
    steps = np.round(np.asarray(angle, dtype=np.float64) * (256 / (2 * np.pi)))
    return xq, yq, np.mod(steps, 256).astype(np.uint8)


def dequantise_position(v: npt.NDArray[np.int16]) -> F32:
    """Pixel positions back to ``float32``."""
    return v.astype(np.float32)


def dequantise_angle(v: npt.NDArray[np.uint8]) -> F32:
    """Direction steps back to radians (``float32``)."""
    return (v.astype(np.float32) * np.float32(2 * np.pi / 256)).astype(np.float32)


def kernel_parameters() -> F64:
    """The parameter vector the compiled kernel reads (layout ``_kernel.P_*``)."""
    ncells = len(cell_offsets()[0])
    return np.array(
        [
            p.SEED_PAIRS,
            p.PAIR_DISTANCE,
            p.PAIR_ANGLE,
            p.OVERLAP_DISTANCE,
            np.ceil(p.MCC_MIN_VALID_CELLS * ncells),
            p.EDGE_REACH,
            p.EDGE_DISTANCE_REL,
            p.EDGE_DISTANCE_MIN,
            p.EDGE_ANGLE,
            p.SCORE_MIN_OVERLAP,
            p.SCORE_SIMILARITY_WEIGHT,
            p.SEED_PROBE_MINUTIAE,
            p.SEED_EVIDENCE_MINUTIAE,
            p.SEED_HYPOTHESES,
            p.CONSENSUS_ANGLE,
            p.CONSENSUS_DISTANCE_REL,
            p.CONSENSUS_DISTANCE_MIN,
        ],
        dtype=np.float64,
    )


class Workspace:
    """Scratch buffers for the kernel, sized for ``MATCH_MINUTIAE``; not thread-safe."""

    def __init__(self) -> None:
        m = max(p.MATCH_MINUTIAE, 1)
        self.params = kernel_parameters()
        self.lsm = np.zeros((m, m), dtype=np.float32)
        self.seed = np.zeros((2, max(p.SEED_PAIRS, 1)), dtype=np.int32)
        """Seed pairs: probe and candidate minutia of each."""
        self.seedf = np.zeros((2, max(p.SEED_PAIRS, 1)), dtype=np.float64)
        """Seed similarities and consensus votes."""
        self.planes = np.zeros((p.MCC_ANGULAR_CELLS, m), dtype=np.uint64)
        self.xs = np.zeros((2, m), dtype=np.int32)
        self.best_j = np.zeros((2, m), dtype=np.int32)
        """Best match of each probe minutia under two transforms (the best and a rival)."""
        self.best_w = np.zeros((2, m), dtype=np.float32)
        self.owner = np.zeros(m, dtype=np.int32)
        self.b_in = np.zeros(m, dtype=np.bool_)
        self.work = np.zeros((2, m), dtype=np.int32)
        self.pairs = np.zeros((2, m), dtype=np.int32)
        self.pairf = np.zeros((2, m), dtype=np.float64)
        self.out = np.zeros(OUT_SIZE, dtype=np.float64)

    def check(self, *templates: PreparedTemplate) -> None:
        """Refuse prepared templates larger than the buffers (the kernel does not check)."""
        for t in templates:
            n = len(t)
            if n > self.lsm.shape[0] or t.bits.shape != (n, p.MCC_ANGULAR_CELLS):
                raise ValueError(
                    f"prepared template has {n} minutiae and bits {t.bits.shape}; at most "
                    f"{self.lsm.shape[0]} minutiae with {p.MCC_ANGULAR_CELLS} words each are "
                    "supported (build it with prepare())"
                )
            if not (len(t.y) == len(t.angle) == len(t.valid) == len(t.rank) == n):
                raise ValueError("prepared template arrays differ in length")

    def run(self, a: PreparedTemplate, b: PreparedTemplate) -> float:
        """Raw score of `a` against `b`; details stay in ``out`` and ``pairs``."""
        self.check(a, b)
        return float(
            compare_core(
                a.x,
                a.y,
                a.angle,
                a.bits,
                a.valid,
                a.rank,
                len(a),
                b.x,
                b.y,
                b.angle,
                b.bits,
                b.valid,
                len(b),
                self.params,
                self.lsm,
                self.seed,
                self.seedf,
                self.planes,
                self.xs,
                self.best_j,
                self.best_w,
                self.owner,
                self.b_in,
                self.work,
                self.pairs,
                self.pairf,
                self.out,
            )
        )


_WORKSPACE: Workspace | None = None


def _workspace() -> Workspace:
    global _WORKSPACE
    if _WORKSPACE is None:
        _WORKSPACE = Workspace()
    return _WORKSPACE


def _prepared(t: Template | PreparedTemplate) -> PreparedTemplate:
    return t if isinstance(t, PreparedTemplate) else prepare(t)


def raw_score(a: Template | PreparedTemplate, b: Template | PreparedTemplate) -> float:
    """Uncalibrated similarity of two templates (for calibration and research)."""
    return _workspace().run(_prepared(a), _prepared(b))
