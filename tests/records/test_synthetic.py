"""The synthetic force generator is deterministic and plausible."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from peelian.records.codes import ETHNICITY
from peelian.records.synthetic import generate

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _people(count: int, seed: int) -> list[tuple[object, ...]]:
    return [
        (p.given_names, p.family_name, p.date_of_birth, p.pnc, p.address, p.aliases, p.flags)
        for chunk in generate(count, seed, NOW)
        for p in chunk.people
    ]


class TestGenerate:
    def test_same_seed_gives_the_same_people(self) -> None:
        assert _people(300, 42) == _people(300, 42)

    def test_different_seeds_differ(self) -> None:
        assert _people(300, 42) != _people(300, 43)

    def test_count_is_exact_across_chunks(self) -> None:
        assert len(_people(5003, 1)) == 5003

    def test_values_are_valid(self) -> None:
        people = [p for chunk in generate(2000, 7, NOW) for p in chunk.people]
        assert {p.ethnicity for p in people} <= set(ETHNICITY)
        assert len({p.pnc for p in people}) == len(people)
        assert all(p.date_of_birth < NOW.date() for p in people)
        flagged = sum(1 for p in people if p.flags)
        assert 0.03 * len(people) < flagged < 0.3 * len(people)
