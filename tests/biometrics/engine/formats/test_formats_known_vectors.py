"""Hand-built byte vectors decoded field by field."""

from __future__ import annotations

import math

import numpy as np
import pytest

from peelian.biometrics.engine.formats import from_ansi378, from_iso19794_2, to_iso19794_2
from peelian.biometrics.engine.template import MinutiaKind

pytestmark = pytest.mark.unit

# ISO/IEC 19794-2:2005: 256 x 320 px at 197 px/cm, one view of the right index finger (2),
# quality 80, an ending at (100, 200) pointing up (64 units = 90 degrees, quality 60) and a
# bifurcation at (10, 300) pointing left (128 units = 180 degrees, quality 50).
ISO_VECTOR = bytes.fromhex(
    "464d5200203230000000002a00000100014000c500c5010002005002406400c8403c800a012c80320000"
)

# ANSI INCITS 378-2004: the same view with a CBEFF product id (0x0033, 0x0001), equipment id 5
# with the compliance bit set, angles in 2 degree units (45 = 90 degrees, 90 = 180 degrees).
ANSI_VECTOR = bytes.fromhex(
    "464d520020323000002c0033000180050100014000c500c5010002005002406400c82d3c800a012c5a320000"
)


class TestFromIso19794_2:
    def test_decodes_hand_built_record(self) -> None:
        (t,) = from_iso19794_2(ISO_VECTOR)
        assert (t.width, t.height, t.finger_position, t.image_quality) == (256, 320, 2, 80)
        assert t.x.tolist() == [100.0, 10.0]
        assert t.y.tolist() == [200.0, 300.0]
        assert np.allclose(t.angle, [math.pi / 2, math.pi])
        assert t.kind.tolist() == [MinutiaKind.ENDING, MinutiaKind.BIFURCATION]
        assert t.quality.tolist() == [60, 50]

    def test_reencodes_to_the_same_bytes(self) -> None:
        assert to_iso19794_2(from_iso19794_2(ISO_VECTOR)) == ISO_VECTOR

    def test_rescales_other_resolutions_to_500_ppi(self) -> None:
        data = bytearray(ISO_VECTOR)
        data[18:22] = bytes.fromhex("018a018a")  # 394 px/cm, i.e. 1000 ppi
        (t,) = from_iso19794_2(bytes(data))
        assert (t.width, t.height) == (128, 160)
        assert t.x.tolist() == [50.0, 5.0]


class TestFromAnsi378:
    def test_decodes_hand_built_record(self) -> None:
        (t,) = from_ansi378(ANSI_VECTOR)
        assert (t.width, t.height, t.finger_position, t.image_quality) == (256, 320, 2, 80)
        assert t.x.tolist() == [100.0, 10.0]
        assert t.y.tolist() == [200.0, 300.0]
        assert np.allclose(t.angle, [math.pi / 2, math.pi])
        assert t.kind.tolist() == [MinutiaKind.ENDING, MinutiaKind.BIFURCATION]

    def test_agrees_with_the_iso_vector(self) -> None:
        (a,) = from_ansi378(ANSI_VECTOR)
        (i,) = from_iso19794_2(ISO_VECTOR)
        assert np.allclose(a.angle, i.angle)
        assert np.array_equal(a.x, i.x)
