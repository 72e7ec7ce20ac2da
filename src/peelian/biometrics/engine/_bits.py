"""Bit-level work of the matcher: popcount, cylinder similarities, the seed shortlist."""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
import numpy.typing as npt
from llvmlite import ir  # type: ignore[import-untyped]
from numba.core import cgutils, types
from numba.extending import intrinsic

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
U64 = npt.NDArray[np.uint64]


@intrinsic
def _ctpop(typingctx: Any, x: Any) -> Any:  # pragma: no cover - compile-time code generation
    """LLVM's population-count intrinsic (one POPCNT instruction on x86-64)."""
    sig = types.uint64(types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        fnty = ir.FunctionType(ir.IntType(64), [ir.IntType(64)])
        fn = cgutils.get_or_insert_function(  # type: ignore[no-untyped-call]
            builder.module, fnty, "llvm.ctpop.i64"
        )
        return builder.call(fn, args)

    return sig, codegen


@nb.njit(cache=True, nogil=True, inline="always")
def popcount(v: np.uint64) -> int:  # pragma: no cover - compiled
    """Number of set bits of a 64-bit word."""
    return int(_ctpop(v))  # type: ignore[call-arg]


@nb.njit(cache=True, nogil=True, inline="always")
def masked_similarity(
    abits: U64, avalid: U64, i: int, bbits: U64, bvalid: U64, j: int, min_common: int
) -> float:  # pragma: no cover - compiled
    """MCC bit similarity of two cylinders over the cells valid in both (0 if too few)."""
    common = avalid[i] & bvalid[j]
    if popcount(common) < min_common:
        return 0.0
    pa = 0
    pb = 0
    px = 0
    for k in range(abits.shape[1]):
        ca = abits[i, k] & common
        cb = bbits[j, k] & common
        pa += popcount(ca)
        pb += popcount(cb)
        px += popcount(ca ^ cb)
    return 1.0 - px / (pa + pb) if pa + pb > 0 else 0.0


@nb.njit(cache=True, nogil=True, inline="always")
def _sim(
    lsm: F32, i: int, j: int, abits: U64, avalid: U64, bbits: U64, bvalid: U64, mc: int
) -> float:  # pragma: no cover - compiled
    """Local similarity of a pair, computed on first use and cached in `lsm` (-1 = unknown)."""
    v = lsm[i, j]
    if v < 0:
        v = np.float32(masked_similarity(abits, avalid, i, bbits, bvalid, j, mc))
        lsm[i, j] = v
    return float(v)


@nb.njit(cache=True, nogil=True)
def seed_pairs(
    abits: U64,
    avalid: U64,
    arank: I32,
    na: int,
    bbits: U64,
    bvalid: U64,
    nb_: int,
    seeds: int,
    si: I32,
    sj: I32,
    top: F64,
    planes: U64,
    xs: I32,
) -> int:  # pragma: no cover - compiled
    """The `seeds` most similar cylinder pairs, by whole-cylinder bit similarity.

    Only the first `na` probe minutiae in `arank` (best quality first) are considered. The
    pairs go to `si`, `sj` and their similarities to `top`, best first; `planes` and `xs`
    are scratch buffers of at least ``(words, nb_)`` and ``(2, nb_)``.

    This first stage ignores cell validity (so it costs four XOR/POPCNT per pair, in a loop
    the compiler vectorises); the validity-masked similarity is computed later, only for
    pairs an alignment brings together.
    A cylinder whose valid-cell word is zero is unusable.
    """
    nd = abits.shape[1]
    if seeds <= 0 or na <= 0 or nb_ <= 0:
        return 0
    # Candidate words as planes (word, minutia) so the inner loop vectorises; a candidate's
    # own bit count sits in xs[1] (or -1 when it is unusable).
    for j in range(nb_):
        c = 0
        for k in range(nd):
            planes[k, j] = bbits[j, k]
            c += popcount(bbits[j, k])
        xs[1, j] = c if bvalid[j] != 0 and c > 0 else -1
    count = 0
    floor = 0.0
    for r in range(na):
        i = arank[r]
        if avalid[i] == 0:
            continue
        ca = 0
        for k in range(nd):
            ca += popcount(abits[i, k])
        for j in range(nb_):
            xs[0, j] = 0
        for k in range(nd):
            w = abits[i, k]
            for j in range(nb_):
                xs[0, j] += popcount(w ^ planes[k, j])
        for j in range(nb_):
            cb = xs[1, j]
            if cb < 0:
                continue
            # sim > floor  <=>  xor < (1 - floor) * (ca + cb): no division for most pairs.
            tot = ca + cb
            if xs[0, j] >= (1.0 - floor) * tot:
                continue
            sim = 1.0 - xs[0, j] / tot
            if sim <= floor:
                continue
            pos = count if count < seeds else seeds - 1
            while pos > 0 and top[pos - 1] < sim:
                if pos < seeds:
                    top[pos] = top[pos - 1]
                    si[pos] = si[pos - 1]
                    sj[pos] = sj[pos - 1]
                pos -= 1
            top[pos] = sim
            si[pos] = i
            sj[pos] = j
            if count < seeds:
                count += 1
            floor = top[count - 1] if count == seeds else 0.0
    return count
