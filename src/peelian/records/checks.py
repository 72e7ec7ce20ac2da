"""The person-check rules: one pure function from a person's flags and a moment to a verdict.

RED means act now (wanted, a failed-to-appear warrant, recall to prison, or a bail curfew in force
at this moment); AMBER means take care (warning markers, bail, missing, licence conditions);
GREEN means nothing current. Officer-safety warnings always come first.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from peelian.records.codes import MARKER_LABELS, FlagKind, MarkerCode

__all__ = [
    "SAFETY_MARKERS",
    "CheckReason",
    "Colour",
    "FlagFacts",
    "Verdict",
    "assess",
    "curfew_in_force",
    "is_current",
]

LOCAL = ZoneInfo("Europe/London")
SAFETY_MARKERS = frozenset(
    {
        MarkerCode.VIOLENT,
        MarkerCode.WEAPONS,
        MarkerCode.FIREARMS,
        MarkerCode.EXPLOSIVES,
        MarkerCode.CONTAGION,
        MarkerCode.ESCAPER,
    }
)


class Colour(enum.StrEnum):
    """The headline of a check."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass(frozen=True)
class FlagFacts:
    """What the rules need to know of one flag (independent of the database)."""

    kind: FlagKind
    code: str | None = None
    starts_at: datetime | None = None
    expires_at: datetime | None = None
    review_date: date | None = None
    cancelled: bool = False
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckReason:
    """One line of a check: why, how serious, and what to do."""

    colour: Colour
    kind: FlagKind
    code: str | None
    safety: bool
    text: str
    action: str


@dataclass(frozen=True)
class Verdict:
    """The colour and its reasons, officer safety first."""

    colour: Colour
    reasons: tuple[CheckReason, ...]


def is_current(flag: FlagFacts, at: datetime) -> bool:
    """A flag counts from its start until it expires or is cancelled."""
    if flag.cancelled:
        return False
    if flag.starts_at is not None and flag.starts_at > at:
        return False
    return flag.expires_at is None or flag.expires_at > at


def _parse_hhmm(value: object) -> time | None:
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def curfew_in_force(details: Mapping[str, Any], at: datetime) -> bool:
    """True when the bail curfew (local times, may span midnight) covers the moment `at`."""
    curfew = details.get("curfew")
    if not isinstance(curfew, Mapping):
        return False
    start, end = _parse_hhmm(curfew.get("start")), _parse_hhmm(curfew.get("end"))
    if start is None or end is None or start == end:
        return False
    now = at.astimezone(LOCAL).time()
    return start <= now < end if start < end else (now >= start or now < end)


def _marker(flag: FlagFacts) -> CheckReason:
    try:
        code = MarkerCode(flag.code or "")
    except ValueError:
        return CheckReason(Colour.AMBER, flag.kind, flag.code, False, "Warning marker", "Take care")
    safety = code in SAFETY_MARKERS
    label = MARKER_LABELS[code]
    action = "Officer safety: consider your approach and request support" if safety else "Take care"
    return CheckReason(Colour.AMBER, flag.kind, code.value, safety, f"Warning: {label}", action)


def _describe(flag: FlagFacts, at: datetime) -> CheckReason:
    d = flag.details
    match flag.kind:
        case FlagKind.MARKER:
            return _marker(flag)
        case FlagKind.WANTED:
            text = f"Wanted: {d.get('offence') or 'offence not given'}"
            action = str(d.get("action") or "Arrest and contact the circulating force")
            return CheckReason(Colour.RED, flag.kind, flag.code, False, text, action)
        case FlagKind.FTA_WARRANT:
            court = d.get("court") or "court not given"
            text = f"Failed to appear: warrant issued by {court}"
            action = "Arrest on warrant and present at the next available court"
            return CheckReason(Colour.RED, flag.kind, flag.code, False, text, action)
        case FlagKind.RECALL:
            text = "Recalled to prison"
            action = "Arrest and return to custody; inform the prison"
            return CheckReason(Colour.RED, flag.kind, flag.code, False, text, action)
        case FlagKind.BAIL:
            if curfew_in_force(d, at):
                curfew = d["curfew"]
                text = f"On bail with a curfew {curfew['start']}–{curfew['end']}: in force now"
                action = "Possible breach of bail: arrest may be necessary (PACE s.46A / BA s.7)"
                return CheckReason(Colour.RED, flag.kind, flag.code, False, text, action)
            conditions = "; ".join(str(c) for c in d.get("conditions", []) or [])
            text = f"On {d.get('bail_type', 'police')} bail" + (
                f": {conditions}" if conditions else ""
            )
            action = "Check the person is complying with their conditions"
            return CheckReason(Colour.AMBER, flag.kind, flag.code, False, text, action)
        case FlagKind.MISSING:
            text = "Reported missing"
            action = "Establish welfare; inform the investigating officer"
            return CheckReason(Colour.AMBER, flag.kind, flag.code, False, text, action)
        case FlagKind.LICENCE:
            conditions = "; ".join(str(c) for c in d.get("conditions", []) or [])
            text = "On licence" + (f": {conditions}" if conditions else "")
            action = "Check licence conditions; inform the offender manager of concerns"
            return CheckReason(Colour.AMBER, flag.kind, flag.code, False, text, action)
    raise ValueError(f"unknown flag kind {flag.kind!r}")  # pragma: no cover


def assess(flags: Iterable[FlagFacts], at: datetime) -> Verdict:
    """The verdict at `at` over a person's flags; expired and cancelled flags do not count."""
    reasons = [_describe(f, at) for f in flags if is_current(f, at)]
    # Safety first, then red before amber; the sort is stable so input order breaks ties.
    reasons.sort(key=lambda r: (not r.safety, r.colour is not Colour.RED))
    if any(r.colour is Colour.RED for r in reasons):
        colour = Colour.RED
    elif reasons:
        colour = Colour.AMBER
    else:
        colour = Colour.GREEN
    return Verdict(colour, tuple(reasons))
