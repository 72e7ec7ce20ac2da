"""Name matching without a dictionary: normalisation, a phonetic key, prefixes and edit distance.

Pure functions over strings. The search index stores, for every name a person is known by,
a phonetic key of each name and the first three letters of the family name (to forgive a typo
that changes the sound). Candidates found through those keys are ranked by edit distance.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "KEY_LENGTH",
    "edit_distance",
    "name_keys",
    "normalise",
    "phonetic",
    "similarity",
    "tokens",
]

KEY_LENGTH = 16
_NON_LETTER = re.compile(r"[^A-Z ]+")
# Spellings that sound alike, rewritten before coding (order matters: longest first).
_REWRITES = (
    ("TCH", "CH"),
    ("SCH", "SK"),
    ("PH", "F"),
    ("GH", "G"),
    ("CK", "K"),
    ("DG", "J"),
    ("TH", "T"),
    ("WR", "R"),
    ("KN", "N"),
    ("MAC", "MC"),
    ("Q", "K"),
    ("X", "KS"),
    ("Z", "S"),
)
_SOFT_C = re.compile(r"C(?=[EIY])")
_CODES = {
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKS", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Upper-case ASCII letters and single spaces: accents folded, hyphens and apostrophes gone."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = folded.upper().replace("-", " ").replace("'", "")
    return " ".join(_NON_LETTER.sub(" ", folded).split())


def tokens(text: str) -> list[str]:
    """The normalised words of a name."""
    return normalise(text).split()


@lru_cache(maxsize=65536)
def phonetic(word: str) -> str:
    """A Soundex-style key with English spelling rewrites, e.g. SMYTH and SMITH → S53.

    The first letter is kept (after C→K/S and PH→F so Catherine and Kathryn agree), then
    consonant classes follow with repeats and vowels dropped, up to six digits.
    """
    w = normalise(word).replace(" ", "")
    if not w:
        return ""
    w = _SOFT_C.sub("S", w)
    for old, new in _REWRITES:
        w = w.replace(old, new)
    w = w.replace("C", "K")
    first = w[0]
    digits: list[str] = []
    previous = _CODES.get(first, "")
    for ch in w[1:]:
        code = _CODES.get(ch, "")
        if code and code != previous:
            digits.append(code)
        if ch not in "HW":  # H and W do not separate two equal codes, as in Soundex
            previous = code
    return first + "".join(digits[:6])


@lru_cache(maxsize=65536)
def name_keys(given_names: str, family_name: str) -> frozenset[str]:
    """The search keys of one name: F/G + phonetic key of each word, P + family prefix."""
    keys: set[str] = set()
    for word in tokens(family_name):
        keys.add("F" + phonetic(word))
        keys.add("P" + word[:3])
    for word in tokens(given_names)[:2]:
        keys.add("G" + phonetic(word))
    return frozenset(k for k in keys if len(k) > 1)


def edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment) between two strings."""
    if a == b:
        return 0
    if not a or not b:
        return len(a) or len(b)
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


@lru_cache(maxsize=262144)
def similarity(a: str, b: str) -> float:
    """1.0 for equal words, falling with edit distance; a sound-alike pair scores at least 0.7."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    score = 1.0 - edit_distance(a, b) / max(len(a), len(b))
    if phonetic(a) == phonetic(b):
        score = max(score, 0.7)
    return max(score, 0.0)
