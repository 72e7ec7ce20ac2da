"""Name and date-of-birth search: phonetic and prefix keys find candidates, edit distance ranks.

"Jon Smyth 1990" finds "John Smith 12/03/1990": the query's words give family keys (phonetic
key or first three letters) and given-name keys; a candidate must hold one of each (in the
birth-year window when a year is given). Candidates are then scored in Python.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import FieldError, InvalidInput
from peelian.core.time import utcnow
from peelian.records.codes import IdentifierKind
from peelian.records.phonetic import normalise, phonetic, similarity
from peelian.records.repository import people as repo
from peelian.records.repository.people import Candidate

__all__ = ["ParsedQuery", "SearchResult", "parse_query", "rank", "search_people"]

CANDIDATE_LIMIT = 500
MIN_SCORE = 0.55
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$|^(\d{4})-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")
_IDENTIFIERS = (
    (IdentifierKind.PNC, re.compile(r"^\d{2}(\d{2})?/\d{1,7}[A-Z]$")),
    (IdentifierKind.CRO, re.compile(r"^\d{1,6}/\d{2}[A-Z]$")),
)
_WORD = re.compile(r"^[^\W\d_]+(?:['’\-][^\W\d_]+)*$")


@dataclass(frozen=True)
class ParsedQuery:
    """Name words and a date (or only a year) of birth."""

    words: tuple[str, ...]
    dob: date | None
    year: int | None


@dataclass(frozen=True)
class SearchResult:
    """One ranked person."""

    person: Candidate
    matched_name: str
    score: float


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError("/q", message)])


def _parse_date(token: str) -> date | None:
    m = _DATE.match(token)
    if not m:
        return None
    if m.group(1):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        year, month, day = int(m.group(4)), int(m.group(5)), int(m.group(6))
    try:
        return date(year, month, day)
    except ValueError:
        raise _bad(f"{token} is not a real date") from None


def parse_query(q: str) -> ParsedQuery:
    """Split a query such as 'Jon Smyth 12/03/1990' into words and a date or year of birth."""
    text = q.strip()
    if not text:
        raise _bad("enter a name to search for, e.g. 'John Smith 1990'")
    if len(text) > 200:
        raise _bad("the search is too long (200 characters at most)")
    words: list[str] = []
    dob: date | None = None
    year: int | None = None
    for token in text.replace(",", " ").split():
        found = _parse_date(token)
        if found is not None or _YEAR.match(token):
            if dob is not None or year is not None:
                raise _bad("give one date or year of birth")
            dob, year = found, found.year if found else int(token)
            if not 1900 <= year <= utcnow().year:
                raise _bad(f"{year} is not a possible year of birth")
        elif _WORD.match(token):
            words.extend(normalise(token).split())
        else:
            raise _bad(f"'{token}' is neither a name nor a date (use DD/MM/YYYY)")
    if not words:
        raise _bad("enter at least one name as well as the date")
    return ParsedQuery(tuple(words[:4]), dob, year)


def _strict(session: Session, query: ParsedQuery) -> list[uuid.UUID]:
    """People matching a family key and (for two or more words) a given-name key."""
    years = None if query.year is None else [query.year - 1, query.year, query.year + 1]
    family = sorted({k for w in query.words for k in ("F" + phonetic(w), "P" + w[:3])})
    if len(query.words) == 1:
        keys = [*family, "G" + phonetic(query.words[0])]
        return repo.candidate_ids(session, keys, years, CANDIDATE_LIMIT)
    given = sorted({"G" + phonetic(w) for w in query.words})
    return repo.candidate_ids_both(session, family, given, years, CANDIDATE_LIMIT)


def _loose(session: Session, query: ParsedQuery) -> list[uuid.UUID]:
    """People matching any key of any word: the fallback when a typo broke a key."""
    years = None if query.year is None else [query.year - 1, query.year, query.year + 1]
    keys = sorted(
        {k for w in query.words for k in ("F" + phonetic(w), "P" + w[:3], "G" + phonetic(w))}
    )
    return repo.candidate_ids(session, keys, years, CANDIDATE_LIMIT)


def _name_score(words: tuple[str, ...], given: str, family: str) -> float:
    theirs = normalise(f"{given} {family}").split()
    if not theirs:
        return 0.0
    score = sum(max(similarity(w, t) for t in theirs) for w in words) / len(words)
    # Words in the same order as the record's family name last count a little more.
    if normalise(family).split()[-1:] == [words[-1]]:
        score += 0.02
    return min(score, 1.0)


def _dob_score(query: ParsedQuery, person: Candidate) -> float:
    dobs = [person.date_of_birth, *(date.fromisoformat(d) for d in person.alt_dates_of_birth)]
    best = 0.0
    for d in dobs:
        if d is None:
            continue
        if query.dob is not None and d == query.dob:
            return 1.0
        gap = abs(d.year - (query.year or 0))
        best = max(best, {0: 0.6, 1: 0.3}.get(gap, 0.0))
    return best


def rank(
    query: ParsedQuery, people: list[Candidate], aliases: dict[uuid.UUID, list[tuple[str, str]]]
) -> list[SearchResult]:
    """Score people against the query, best first; weak matches are dropped."""
    results: list[SearchResult] = []
    for person in people:
        names = [(person.given_names, person.family_name), *aliases.get(person.id, [])]
        score, best = max((_name_score(query.words, g, f), f"{g} {f}") for g, f in names)
        if score < MIN_SCORE:
            continue
        if query.year is not None:
            score = 0.7 * score + 0.3 * _dob_score(query, person)
        results.append(SearchResult(person, best, round(score, 4)))
    results.sort(key=lambda r: (-r.score, r.person.family_name, r.person.given_names))
    return results


def search_people(
    session: Session, *, actor: Actor, q: str, purpose: str, page: int = 1, page_size: int = 20
) -> tuple[list[SearchResult], int]:
    """Ranked people matching a name (and date or year of birth); audited with purpose."""
    by_identifier = _by_identifier(session, q)
    if by_identifier is not None:
        ranked = by_identifier
        found = [r.person.id for r in ranked]
    else:
        found, ranked = _by_name(session, parse_query(q))
    audit.record(
        session,
        actor=actor,
        action=AuditAction.SEARCH,
        record_type="person",
        purpose=purpose,
        detail={"candidates": len(found), "returned": len(ranked)},
    )
    start = (page - 1) * page_size
    return ranked[start : start + page_size], len(ranked)


def _by_identifier(session: Session, q: str) -> list[SearchResult] | None:
    """A PNC ID or CRO number finds its holder exactly; None when q is not one."""
    value = q.strip().upper()
    for kind, shape in _IDENTIFIERS:
        if shape.match(value):
            held = repo.find_identifier(session, kind, value)
            if held is None:
                return []
            people = repo.candidates_by_ids(session, [held.person_id])
            merged = [p.merged_into_id for p in people if p.merged_into_id is not None]
            if merged:
                people = repo.candidates_by_ids(session, merged)
            label = f"{kind.value.upper()} {value}"
            return [SearchResult(p, label, 1.0) for p in people]
    return None


def _by_name(session: Session, query: ParsedQuery) -> tuple[list[uuid.UUID], list[SearchResult]]:
    found = _strict(session, query)
    if query.dob is not None:
        # Everyone born that day is few enough to rank, whatever the spelling.
        found = list(dict.fromkeys(found + repo.people_born_on(session, query.dob, 200)))
    ranked = _ranked(session, query, found)
    if not ranked:
        found = _loose(session, query)
        ranked = _ranked(session, query, found)
    return found, ranked


def _ranked(session: Session, query: ParsedQuery, found: list[uuid.UUID]) -> list[SearchResult]:
    people = repo.candidates_by_ids(session, found)
    # A record merged into another is found through its survivor, under the duplicate's names.
    aliases: dict[uuid.UUID, list[tuple[str, str]]] = {}
    survivors: set[uuid.UUID] = set()
    for p in people:
        if p.merged_into_id is not None:
            survivors.add(p.merged_into_id)
            aliases.setdefault(p.merged_into_id, []).append((p.given_names, p.family_name))
    people = [p for p in people if p.merged_into_id is None]
    people += repo.candidates_by_ids(session, survivors - {p.id for p in people})
    for name in repo.names_of(session, [p.id for p in people]):
        aliases.setdefault(name.person_id, []).append((name.given_names, name.family_name))
    return rank(query, people, aliases)
