"""Tests of the compact finger store's packed positions."""

from __future__ import annotations

import numpy as np
import pytest

from peelian.biometrics.gallery._store import XY_OFFSET, pack_xy, unpack_xy

pytestmark = pytest.mark.unit


class TestPackXy:
    def test_round_trip_over_the_whole_range(self) -> None:
        x = np.array([-XY_OFFSET, 0, 1, 255, 256, 3071, 400], dtype=np.int16)
        y = np.array([3071, 0, -1, 4000 - XY_OFFSET, 17, -XY_OFFSET, 499], dtype=np.int16)
        packed = pack_xy(x, y)
        assert packed.shape == (7, 3)
        bx, by = unpack_xy(packed)
        assert bx.tolist() == x.tolist()
        assert by.tolist() == y.tolist()

    def test_positions_outside_the_range_are_refused(self) -> None:
        with pytest.raises(ValueError, match="minutia positions"):
            pack_xy(np.array([3072], dtype=np.int16), np.array([0], dtype=np.int16))
