"""Compact in-memory storage of enrolled fingers, convertible to engine galleries.

Each finger keeps exactly what :class:`~peelian.biometrics.engine.PreparedGallery` holds
(positions, directions, cylinder words, valid-cell words), except that cylinder and valid
words, whose top bits are always zero (a cylinder has fewer than 57 cells), are stored in
``WORD_BYTES`` bytes instead of 8, and a position's two coordinates in 3 bytes (12 bits
each, offset by ``XY_OFFSET``); plus the enrolment key and a liveness flag.
"""

from __future__ import annotations

import numba as nb
import numpy as np
import numpy.typing as npt

from ..engine import PreparedGallery
from ..engine import parameters as ep

WORD_BYTES = 7
"""Bytes kept of each 64-bit cylinder or valid word."""
XY_OFFSET = 1024
"""Added to coordinates before packing: positions from -1024 to 3071 pixels are kept."""

U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


class Store:
    """Growable fixed-width arrays of fingers; rows ``[0, count)`` are in use."""

    def __init__(self, capacity: int) -> None:
        m, nd = ep.MATCH_MINUTIAE, ep.MCC_ANGULAR_CELLS
        c = max(int(capacity), 1)
        self.count = 0
        self.n_minutiae = np.zeros(c, dtype=np.uint8)
        self.xy = np.zeros((c, m, 3), dtype=np.uint8)
        self.angle = np.zeros((c, m), dtype=np.uint8)
        self.words = np.zeros((c, m, nd + 1, WORD_BYTES), dtype=np.uint8)
        self.key_hi = np.zeros(c, dtype=np.uint64)
        self.key_lo = np.zeros(c, dtype=np.uint64)
        self.finger = np.zeros(c, dtype=np.uint8)
        self.alive = np.zeros(c, dtype=np.bool_)

    _FIELDS = ("n_minutiae", "xy", "angle", "words", "key_hi", "key_lo", "finger", "alive")

    @property
    def capacity(self) -> int:
        return len(self.alive)

    @property
    def nbytes(self) -> int:
        return sum(int(getattr(self, f).nbytes) for f in self._FIELDS)

    def resize(self, capacity: int) -> None:
        """Reallocate to `capacity` rows (at least the rows in use), keeping their contents."""
        c = max(int(capacity), self.count, 1)
        for f in self._FIELDS:
            old = getattr(self, f)
            new = np.zeros((c, *old.shape[1:]), dtype=old.dtype)
            new[: self.count] = old[: self.count]
            setattr(self, f, new)

    def append(self, g: PreparedGallery, hi: U64, lo: U64, finger: U8) -> int:
        """Append the fingers of a packed gallery with their keys; returns the first row."""
        n = len(g)
        if self.count + n > self.capacity:
            self.resize(max(self.count + n, int(self.capacity * 1.5)))
        words = np.concatenate([g.bits, g.valid[:, :, None]], axis=2)
        if (words >> np.uint64(8 * WORD_BYTES)).any():
            raise ValueError("cylinder words use more bits than the compact store keeps")
        raw = np.ascontiguousarray(words.astype("<u8")).view(np.uint8)
        raw = raw.reshape(*words.shape, 8)[..., :WORD_BYTES]
        s = slice(self.count, self.count + n)
        self.n_minutiae[s] = g.count
        self.xy[s], self.angle[s] = pack_xy(g.x, g.y), g.angle
        self.words[s] = raw
        self.key_hi[s], self.key_lo[s], self.finger[s] = hi, lo, finger
        self.alive[s] = True
        first = self.count
        self.count += n
        return first

    def gallery(self, rows: npt.ArrayLike) -> PreparedGallery:
        """An engine gallery holding the given rows (expanded to 64-bit words)."""
        idx = np.asarray(rows, dtype=np.int64)
        nd = ep.MCC_ANGULAR_CELLS
        w = self.words[idx]
        buf = np.zeros((*w.shape[:-1], 8), dtype=np.uint8)
        buf[..., :WORD_BYTES] = w
        full = buf.view("<u8")[..., 0].astype(np.uint64)
        x, y = unpack_xy(self.xy[idx])
        return PreparedGallery(
            self.n_minutiae[idx],
            x,
            y,
            self.angle[idx],
            np.ascontiguousarray(full[:, :, :nd]),
            np.ascontiguousarray(full[:, :, nd]),
        )

    def keep(self, rows: I64) -> None:
        """Keep only `rows` (in this order), packed to the front; capacity is unchanged."""
        k = len(rows)
        for f in self._FIELDS:
            a = getattr(self, f)
            a[:k] = a[rows]
            a[k : self.count] = 0
        self.count = k

    def find(self, hi: U64, lo: U64, finger: U8) -> I64:
        """Live rows of each key (``-1`` where a key is not enrolled)."""
        return _find(self.key_hi, self.key_lo, self.finger, self.alive, self.count, hi, lo, finger)


def pack_xy(x: npt.NDArray[np.int16], y: npt.NDArray[np.int16]) -> U8:
    """Coordinates as 3 bytes per position (see ``XY_OFFSET``)."""
    a = x.astype(np.int32) + XY_OFFSET
    b = y.astype(np.int32) + XY_OFFSET
    if (a < 0).any() or (a > 4095).any() or (b < 0).any() or (b > 4095).any():
        raise ValueError(f"minutia positions must lie within -{XY_OFFSET} to 3071 pixels")
    return np.stack([a & 255, (a >> 8) | ((b & 15) << 4), b >> 4], axis=-1).astype(np.uint8)


def unpack_xy(xy: U8) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16]]:
    """The coordinates packed by :func:`pack_xy`."""
    b0, b1, b2 = (xy[..., i].astype(np.int32) for i in range(3))
    x = (b0 | ((b1 & 15) << 8)) - XY_OFFSET
    y = ((b1 >> 4) | (b2 << 4)) - XY_OFFSET
    return x.astype(np.int16), y.astype(np.int16)


@nb.njit(cache=True, nogil=True)
def _find(
    key_hi: U64,
    key_lo: U64,
    finger: U8,
    alive: npt.NDArray[np.bool_],
    count: int,
    hi: U64,
    lo: U64,
    fp: U8,
) -> I64:  # pragma: no cover - compiled
    out = np.full(hi.shape[0], -1, dtype=np.int64)
    order = np.argsort(lo)
    sorted_lo = lo[order]
    for r in range(count):
        if not alive[r]:
            continue
        q = np.searchsorted(sorted_lo, key_lo[r])
        while q < sorted_lo.shape[0] and sorted_lo[q] == key_lo[r]:
            t = order[q]
            if hi[t] == key_hi[r] and fp[t] == finger[r]:
                out[t] = r
            q += 1
    return out
