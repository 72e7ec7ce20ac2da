"""Name keys and distances used by the search."""

from __future__ import annotations

import pytest

from peelian.records.phonetic import edit_distance, name_keys, normalise, phonetic, similarity

pytestmark = pytest.mark.unit


class TestPhonetic:
    @pytest.mark.parametrize(
        ("a", "b"),
        [("Smith", "Smyth"), ("John", "Jon"), ("Catherine", "Kathryn"), ("Stephen", "Steven"),
         ("Phillips", "Philips"), ("MacDonald", "McDonald"), ("Mohammed", "Muhammad")],
    )  # fmt: skip
    def test_sound_alike_names_share_a_key(self, a: str, b: str) -> None:
        assert phonetic(a) == phonetic(b)

    def test_different_names_differ(self) -> None:
        assert phonetic("Smith") != phonetic("Jones")

    def test_empty_word_has_no_key(self) -> None:
        assert phonetic("--") == ""


class TestNormalise:
    def test_accents_hyphens_and_apostrophes_fold(self) -> None:
        assert normalise("  Zoë O'Brien-Núñez ") == "ZOE OBRIEN NUNEZ"


class TestNameKeys:
    def test_family_prefix_and_given_keys(self) -> None:
        assert name_keys("John Paul", "Smith") == {"FS53", "PSMI", "GJ5", "GP4"}


class TestEditDistance:
    @pytest.mark.parametrize(
        ("a", "b", "d"), [("SMITH", "SMITH", 0), ("SMITH", "SMIHT", 1), ("SMITH", "SMYTH", 1),
                          ("JOHN", "JON", 1), ("", "ABC", 3)],
    )  # fmt: skip
    def test_distances(self, a: str, b: str, d: int) -> None:
        assert edit_distance(a, b) == d


class TestSimilarity:
    def test_exact_is_one(self) -> None:
        assert similarity("SMITH", "SMITH") == 1.0

    def test_sound_alike_scores_high(self) -> None:
        assert similarity("JON", "JOHN") >= 0.7
