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
_ETHNIC_CUM = list(accumulate(_ETHNICITY_WEIGHTS.values()))
_MARKERS = (
    [MarkerCode.VIOLENT] * 30 + [MarkerCode.DRUGS] * 25 + [MarkerCode.WEAPONS] * 12
    + [MarkerCode.SELF_HARM] * 10 + [MarkerCode.MENTAL_HEALTH] * 10 + [MarkerCode.FIREARMS] * 2
    + [MarkerCode.ESCAPER] * 3 + [MarkerCode.CONTAGION] * 3 + [MarkerCode.AILMENT] * 5
)  # fmt: skip
_POSTCODE_LETTERS = tuple("ABDEFGHJLNPQRSTUWXYZ")
_DIGITS = tuple("123456789")
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


def _person(rng: random.Random, index: int, seed: int, now: datetime) -> SyntheticPerson:
    r = rng.random

    def pick(seq: tuple[str, ...]) -> str:
        return seq[int(r() * len(seq))]

    female = r() < 0.5
    givens = _words("given_female" if female else "given_male")
    family = pick(_words("surnames"))
    age_days = int(rng.triangular(16 * 365, 85 * 365, 28 * 365))
    town, prefix = pick(_lines("towns")).rsplit(" ", 1)
    inward = pick(_DIGITS) + pick(_POSTCODE_LETTERS) + pick(_POSTCODE_LETTERS)
    person = SyntheticPerson(
        given_names=pick(givens),
        family_name=family,
        date_of_birth=now.date() - timedelta(days=age_days),
        sex=Sex.FEMALE if female else Sex.MALE,
        ethnicity=rng.choices(_ETHNIC_CODES, cum_weights=_ETHNIC_CUM)[0],
        height_cm=int(rng.gauss(164 if female else 177, 7)),
        build=pick(_BUILDS),
        marks=pick(_MARKS) if r() < 0.15 else None,
        pnc=f"{(seed % 90) + 10:02d}/{index:07d}{_PNC_LETTERS[index % 23]}",
        address=(
            f"{1 + int(r() * 240)} {pick(_lines('streets'))}",
            town,
            f"{prefix}{1 + int(r() * 29)} {inward}",
            now.date() - timedelta(days=30 + int(r() * 3620)),
        ),
    )
    if r() < 0.1:
        person.aliases.append((pick(givens), family if r() < 0.5 else pick(_words("surnames"))))
    person.flags = _flags(rng, now)
    return person


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
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        people = [_person(rng, done + i, seed, now) for i in range(size)]
        incidents = [_incident(rng, size, now) for _ in range(max(1, size // 10))]
        done += size
        yield Chunk(people, incidents)
