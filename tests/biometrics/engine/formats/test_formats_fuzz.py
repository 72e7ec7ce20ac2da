"""Property tests: damaged records fail with TemplateFormatError and nothing else."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peelian.biometrics.engine.formats import (
    TemplateFormatError,
    deserialize,
    from_ansi378,
    from_iso19794_2,
)

from .test_formats_corruption import native_sample
from .test_formats_known_vectors import ANSI_VECTOR, ISO_VECTOR

pytestmark = pytest.mark.unit

DECODERS: list[tuple[Callable[[bytes], object], bytes]] = [
    (deserialize, native_sample()),
    (from_iso19794_2, ISO_VECTOR),
    (from_ansi378, ANSI_VECTOR),
]


class TestDeserialize:
    @given(st.data())
    @settings(deadline=None)  # timings are no pass/fail criterion
    def test_any_single_byte_change_is_detected(self, data: st.DataObject) -> None:
        record = native_sample()
        i = data.draw(st.integers(0, len(record) - 1))
        delta = data.draw(st.integers(1, 255))
        damaged = bytearray(record)
        damaged[i] ^= delta
        with pytest.raises(TemplateFormatError) as info:
            deserialize(bytes(damaged))
        assert 0 <= info.value.offset <= len(record)

    def test_serialize_is_deterministic(self) -> None:
        assert native_sample() == native_sample()


class TestAllDecoders:
    @pytest.mark.parametrize(("decode", "record"), DECODERS)
    def test_every_truncation_is_rejected(
        self, decode: Callable[[bytes], object], record: bytes
    ) -> None:
        for cut in range(len(record)):
            with pytest.raises(TemplateFormatError) as info:
                decode(record[:cut])
            assert info.value.offset <= cut

    @pytest.mark.parametrize(("decode", "record"), DECODERS)
    @given(noise=st.binary(max_size=80), flips=st.lists(st.integers(0, 10_000), max_size=4))
    @settings(deadline=None)  # timings are no pass/fail criterion
    def test_random_damage_raises_only_template_format_error(
        self, decode: Callable[[bytes], object], record: bytes, noise: bytes, flips: list[int]
    ) -> None:
        damaged = bytearray(record + noise)
        for f in flips:
            damaged[f % len(damaged)] ^= 0x5A
        with contextlib.suppress(TemplateFormatError):
            decode(bytes(damaged))
