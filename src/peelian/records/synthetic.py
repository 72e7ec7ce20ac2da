"""A deterministic synthetic force: people, warnings, warrants, bail and incidents from a seed.

Pure: name, street and town lists ship in `data/`; nothing is downloaded. The same seed and
count give the same people (ids are minted when stored). Rates are rough but plausible: most
people have nothing current; a few are wanted, on bail, missing or carry warning markers.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np

from peelian.records.codes import (
    NSIR_CATEGORIES,
    NSIR_QUALIFIERS,
    FlagKind,
    IncidentGrade,
    IncidentRole,
    IncidentStatus,
    MarkerCode,
    Sex,
)

__all__ = ["CHUNK", "TEAMS", "Chunk", "SyntheticIncident", "SyntheticPerson", "generate"]

CHUNK = 5000
DATA = Path(__file__).resolve().parent / "data"
TEAMS = ("Response A", "Response B", "Response C", "Neighbourhood North", "CID")
_ETHNICITY_WEIGHTS = {
    "W1": 740, "W2": 10, "W3": 1, "W9": 60, "M1": 10, "M2": 4, "M3": 10, "M9": 10, "A1": 30,
    "A2": 27, "A3": 11, "A4": 7, "A9": 16, "B1": 11, "B2": 25, "B9": 5, "O1": 6, "O9": 16,
    "NS": 20,
}  # fmt: skip
_ETHNIC_CODES = list(_ETHNICITY_WEIGHTS)
_ETHNIC_CUM = np.array(list(accumulate(_ETHNICITY_WEIGHTS.values())))
_MARKERS = (
    [MarkerCode.VIOLENT] * 30 + [MarkerCode.DRUGS] * 25 + [MarkerCode.WEAPONS] * 12
    + [MarkerCode.SELF_HARM] * 10 + [MarkerCode.MENTAL_HEALTH] * 10 + [MarkerCode.FIREARMS] * 2
    + [MarkerCode.ESCAPER] * 3 + [MarkerCode.CONTAGION] * 3 + [MarkerCode.AILMENT] * 5
)  # fmt: skip
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_PNC_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_BUILDS = ("slim", "medium", "stocky", "heavy", "athletic")
_MARKS = ("scar left cheek", "tattoo right forearm (rose)", "tattoo neck (stars)",
          "pierced eyebrow", "scar above right eye", "tattoo left hand (LOVE)")  # fmt: skip


@cache
def _words(name: str) -> tuple[str, ...]:
    return tuple((DATA / f"{name}.txt").read_text().split())


@cache
def _lines(name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in (DATA / f"{name}.txt").read_text().splitlines() if x.strip())


@dataclass
class SyntheticPerson:
    """One generated person and what is held on them."""

    given_names: str
    family_name: str
    date_of_birth: date
    sex: Sex
    ethnicity: str
    height_cm: int
    build: str
    marks: str | None
    pnc: str
    address: tuple[str, str, str, date]
    aliases: list[tuple[str, str]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SyntheticIncident:
    """One generated incident; people are indexes into its chunk's people."""

    category: str
    qualifiers: list[str]
    grade: IncidentGrade
    status: IncidentStatus
    reported_at: datetime
    address: str
    beat: str
    team: str
    narrative: str
    crime_number: str | None
    people: list[tuple[int, IncidentRole]]


@dataclass
class Chunk:
    """A batch of people and the incidents among them."""

    people: list[SyntheticPerson]
    incidents: list[SyntheticIncident]


def _flags(rng: random.Random, now: datetime) -> list[dict[str, Any]]:
    flags: list[dict[str, Any]] = []
    roll = rng.random

    def ends() -> datetime:
        # One in five has already run out, so expiry is exercised.
        days = rng.randint(-120, -1) if roll() < 0.2 else rng.randint(7, 365)
        return now + timedelta(days=days)

    if roll() < 0.08:
        review = (now + timedelta(days=rng.randint(-30, 700))).date()
        flags.append(
            {
                "kind": FlagKind.MARKER,
                "code": rng.choice(_MARKERS).value,
                "source": "PNC",
                "review_date": review,
                "details": {},
            }
        )
    if roll() < 0.006:
        flags.append(
            {
                "kind": FlagKind.WANTED,
                "source": "PNC circulation",
                "expires_at": ends(),
                "details": {
                    "offence": rng.choice(_lines("offences")),
                    "action": "Arrest and contact the OIC",
                },
            }
        )
    if roll() < 0.004:
        flags.append(
            {
                "kind": FlagKind.FTA_WARRANT,
                "source": "HMCTS",
                "expires_at": None,
                "review_date": (now + timedelta(days=180)).date(),
                "details": {
                    "court": rng.choice(_lines("courts")),
                    "warrant_type": "not backed for bail",
                },
            }
        )
    if roll() < 0.025:
        details: dict[str, Any] = {
            "bail_type": rng.choice(("police", "court")),
            "conditions": ["Reside at home address"],
        }
        if roll() < 0.4:
            details["curfew"] = rng.choice(
                ({"start": "19:00", "end": "07:00"}, {"start": "21:00", "end": "06:00"})
            )
        flags.append(
            {"kind": FlagKind.BAIL, "source": "Custody", "expires_at": ends(), "details": details}
        )
    if roll() < 0.002:
        flags.append(
            {"kind": FlagKind.RECALL, "source": "HMPPS", "expires_at": ends(), "details": {}}
        )
    if roll() < 0.003:
        flags.append(
            {
                "kind": FlagKind.MISSING,
                "source": "Missing persons unit",
                "expires_at": ends(),
                "details": {},
            }
        )
    if roll() < 0.01:
        flags.append(
            {
                "kind": FlagKind.LICENCE,
                "source": "Probation",
                "expires_at": ends(),
                "details": {"conditions": ["Not to enter the city centre"]},
            }
        )
    return flags


def _people(
    gen: np.random.Generator, rng: random.Random, start: int, size: int, seed: int, now: datetime
) -> list[SyntheticPerson]:
    """A chunk of people: every random choice drawn for the whole chunk at once (numpy)."""
    female_names, male_names = _words("given_female"), _words("given_male")
    surnames, towns, streets = _words("surnames"), _lines("towns"), _lines("streets")
    female = (gen.random(size) < 0.5).tolist()
    given_f = gen.integers(0, len(female_names), size).tolist()
    given_m = gen.integers(0, len(male_names), size).tolist()
    family = gen.integers(0, len(surnames), size).tolist()
    ages = gen.triangular(16 * 365, 28 * 365, 85 * 365, size).astype(int).tolist()
    town = gen.integers(0, len(towns), size).tolist()
    street = gen.integers(0, len(streets), size).tolist()
    numbers = gen.integers(1, 241, (size, 2)).tolist()
    inward = gen.integers(0, len(_POSTCODE_LETTERS), (size, 2)).tolist()
    moved = gen.integers(30, 3650, size).tolist()
    ethnic = np.searchsorted(_ETHNIC_CUM, gen.random(size) * _ETHNIC_CUM[-1], side="right")
    heights = gen.normal(0, 7, size).tolist()
    build = gen.integers(0, len(_BUILDS), size).tolist()
    marks = gen.integers(0, len(_MARKS) * 7, size).tolist()  # one in seven has a mark
    alias = gen.random(size).tolist()
    alias_given = gen.integers(0, 10_000, size).tolist()
    alias_family = gen.integers(0, len(surnames), size).tolist()
    today = now.date().toordinal()
    out = []
    for i, ethnic_i in enumerate(ethnic.tolist()):
        index = start + i
        givens = female_names if female[i] else male_names
        surname = surnames[family[i]]
        place, prefix = towns[town[i]].rsplit(" ", 1)
        postcode = (
            f"{prefix}{numbers[i][1] % 29 + 1} {numbers[i][0] % 9 + 1}"
            f"{_POSTCODE_LETTERS[inward[i][0]]}{_POSTCODE_LETTERS[inward[i][1]]}"
        )
        person = SyntheticPerson(
            given_names=givens[given_f[i] if female[i] else given_m[i]],
            family_name=surname,
            date_of_birth=date.fromordinal(today - ages[i]),
            sex=Sex.FEMALE if female[i] else Sex.MALE,
            ethnicity=_ETHNIC_CODES[ethnic_i],
            height_cm=int((164 if female[i] else 177) + heights[i]),
            build=_BUILDS[build[i]],
            marks=_MARKS[marks[i]] if marks[i] < len(_MARKS) else None,
            pnc=f"{(seed % 90) + 10:02d}/{index:07d}{_PNC_LETTERS[index % 23]}",
            address=(f"{numbers[i][0]} {streets[street[i]]}", place, postcode,
                     date.fromordinal(today - moved[i])),
        )  # fmt: skip
        if alias[i] < 0.1:
            other = surname if alias[i] < 0.05 else surnames[alias_family[i]]
            person.aliases.append((givens[alias_given[i] % len(givens)], other))
        person.flags = _flags(rng, now)
        out.append(person)
    return out


def _incident(rng: random.Random, people: int, now: datetime) -> SyntheticIncident:
    status = rng.choices(list(IncidentStatus), (10, 8, 12, 55, 15))[0]
    category = rng.choice(list(NSIR_CATEGORIES))
    reported = now - timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 1439))
    crime = None
    if status is IncidentStatus.RECORDED_AS_CRIME:
        crime = f"13/{rng.randint(10000, 99999)}/{reported:%y}"
    linked = [(rng.randrange(people), rng.choice(list(IncidentRole)))
              for _ in range(rng.randint(1, 3))]  # fmt: skip
    return SyntheticIncident(
        category=category,
        qualifiers=sorted(set(rng.sample(list(NSIR_QUALIFIERS), rng.randint(0, 2)))),
        grade=rng.choices(list(IncidentGrade), (15, 35, 35, 15))[0],
        status=status,
        reported_at=reported,
        address=f"{rng.randint(1, 240)} {rng.choice(_lines('streets'))}",
        beat=f"B{rng.randint(1, 60):02d}",
        team=rng.choice(TEAMS),
        narrative=f"Synthetic {NSIR_CATEGORIES[category].lower()} incident for the demo force.",
        crime_number=crime,
        people=list(dict.fromkeys(linked)),
    )


def generate(count: int, seed: int, now: datetime) -> Iterator[Chunk]:
    """Yield `count` people in chunks of CHUNK, with about one incident per ten people."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    gen = np.random.default_rng(seed)
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        people = _people(gen, rng, done, size, seed, now)
        incidents = [_incident(rng, size, now) for _ in range(max(1, size // 10))]
        done += size
        yield Chunk(people, incidents)
