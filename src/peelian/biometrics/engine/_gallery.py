"""Compact galleries of prepared templates and fast 1:N search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numba as nb
import numpy as np
import numpy.typing as npt

from . import parameters as p
from ._calibration import calibrate_raw
from ._kernel import compare_core
from ._matcher import PreparedTemplate, Workspace, prepare, quantise
from .template import Template

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I16 = npt.NDArray[np.int16]
U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True, eq=False)
class PreparedGallery:
    """Fixed-size arrays holding many prepared templates, for 1:N search.

    Each finger takes ``MATCH_MINUTIAE`` slots of 2 + 2 bytes position, 1 byte direction,
    ``8 * MCC_ANGULAR_CELLS`` bytes of cylinder bits and 8 bytes of valid cells, plus a
    1-byte count: 1,981 bytes with the default parameters. Arrays can be memory-mapped or
    sharded by slicing with :meth:`subset`.
    """

    count: U8
    x: I16
    y: I16
    angle: U8
    bits: U64
    valid: U64

    def __len__(self) -> int:
        return len(self.count)

    @property
    def bytes_per_finger(self) -> int:
        """Storage per gallery entry, in bytes."""
        n = max(len(self), 1)
        total = sum(
            a.nbytes for a in (self.count, self.x, self.y, self.angle, self.bits, self.valid)
        )
        return total // n

    def subset(self, index: slice | npt.ArrayLike) -> PreparedGallery:
        """A gallery holding only the entries at `index` (a slice or index array)."""
        idx = np.asarray(index) if not isinstance(index, slice) else index
        return PreparedGallery(
            self.count[idx],
            self.x[idx],
            self.y[idx],
            self.angle[idx],
            self.bits[idx],
            self.valid[idx],
        )


def pack(templates: Sequence[Template | PreparedTemplate]) -> PreparedGallery:
    """Prepare templates and pack them into a :class:`PreparedGallery`."""
    m, nd = p.MATCH_MINUTIAE, p.MCC_ANGULAR_CELLS
    n = len(templates)
    count = np.zeros(n, dtype=np.uint8)
    x = np.zeros((n, m), dtype=np.int16)
    y = np.zeros((n, m), dtype=np.int16)
    angle = np.zeros((n, m), dtype=np.uint8)
    bits = np.zeros((n, m, nd), dtype=np.uint64)
    valid = np.zeros((n, m), dtype=np.uint64)
    for g, t in enumerate(templates):
        pt = t if isinstance(t, PreparedTemplate) else prepare(t)
        k = len(pt)
        count[g] = k
        x[g, :k], y[g, :k], angle[g, :k] = quantise(pt.x, pt.y, pt.angle)
        bits[g, :k] = pt.bits
        valid[g, :k] = pt.valid
    return PreparedGallery(count, x, y, angle, bits, valid)


def search(probe: Template | PreparedTemplate, gallery: PreparedGallery) -> F32:
    """Compare one probe with every gallery entry; return calibrated scores (see `compare`).

    Runs single-threaded in compiled code without the GIL, so callers can search shards of
    a gallery from several threads at once.
    """
    pt = probe if isinstance(probe, PreparedTemplate) else prepare(probe)
    raw = search_raw(pt, gallery)
    return calibrate_raw(raw).astype(np.float32)


def search_raw(probe: PreparedTemplate, gallery: PreparedGallery) -> F64:
    """Raw (uncalibrated) scores of a prepared probe against a gallery."""
    ws = Workspace()
    ws.check(probe)
    m = gallery.x.shape[1] if gallery.x.ndim == 2 else 0
    if (
        m > p.MATCH_MINUTIAE
        or int(gallery.count.max(initial=0)) > m
        or (gallery.bits.shape[1:] != (m, p.MCC_ANGULAR_CELLS))
    ):
        raise ValueError("the gallery was packed with different parameters; pack it again")
    raw = np.zeros(len(gallery), dtype=np.float64)
    _search(
        probe.x,
        probe.y,
        probe.angle,
        probe.bits,
        probe.valid,
        probe.rank,
        len(probe),
        gallery.count,
        gallery.x,
        gallery.y,
        gallery.angle,
        gallery.bits,
        gallery.valid,
        ws.params,
        ws.lsm,
        ws.seed,
        ws.seedf,
        ws.planes,
        ws.xs,
        ws.best_j,
        ws.best_w,
        ws.owner,
        ws.b_in,
        ws.work,
        ws.pairs,
        ws.pairf,
        ws.out,
        raw,
    )
    return raw


@nb.njit(cache=True, nogil=True)
def _search(
    ax: F32,
    ay: F32,
    aa: F32,
    abits: U64,
    avalid: U64,
    arank: npt.NDArray[np.int32],
    na: int,
    count: U8,
    gx: I16,
    gy: I16,
    ga: U8,
    gbits: U64,
    gvalid: U64,
    prm: F64,
    lsm: F32,
    seed: npt.NDArray[np.int32],
    seedf: F64,
    planes: U64,
    xs: npt.NDArray[np.int32],
    best_j: npt.NDArray[np.int32],
    best_w: npt.NDArray[np.float32],
    owner: npt.NDArray[np.int32],
    b_in: npt.NDArray[np.bool_],
    work: npt.NDArray[np.int32],
    pairs: npt.NDArray[np.int32],
    pairf: F64,
    out: F64,
    raw: F64,
) -> None:  # pragma: no cover
    m = gx.shape[1]
    bx = np.zeros(m, dtype=np.float32)
    by = np.zeros(m, dtype=np.float32)
    ba = np.zeros(m, dtype=np.float32)
    step = np.float32(2 * np.pi / 256)
    for g in range(count.shape[0]):
        k = int(count[g])
        for t in range(k):
            bx[t] = np.float32(gx[g, t])
            by[t] = np.float32(gy[g, t])
            ba[t] = np.float32(ga[g, t]) * step
        raw[g] = compare_core(
            ax,
            ay,
            aa,
            abits,
            avalid,
            arank,
            na,
            bx,
            by,
            ba,
            gbits[g],
            gvalid[g],
            k,
            prm,
            lsm,
            seed,
            seedf,
            planes,
            xs,
            best_j,
            best_w,
            owner,
            b_in,
            work,
            pairs,
            pairf,
            out,
        )
