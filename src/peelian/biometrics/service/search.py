"""Mobile 1:N search: decode the probe in memory, search the gallery, answer RED/AMBER/GREEN.

Thresholds
----------
Scores are calibrated as ``-10 log10(FMR)`` and two fingers fuse by adding their scores (the
product of their false match rates). In a 1:N search of ``N`` enrolled fingers the expected
number of impostors reaching a fused score ``s`` is about ``N * 10 ** (-s / 10)``, so the
thresholds grow with the gallery (``N`` counts fingers, an upper bound on the subjects a probe
finger is compared with):

* **identified** when the best fused score reaches ``10 log10(N) + 50`` (about one false
  identification in 100,000 searches), and never below 60 (a joint FMR of 1e-6);
* **possible match** (AMBER, sent to a fingerprint examiner) from ``10 log10(N) + 30`` (about
  one in 1,000 non-mated searches), and never below 40 (FMR 1e-4).

On 10,000 synthetic fingers these are 90 and 70: non-mated two-finger searches topped out at
24-64 and 59 of 60 mated searches scored above 85 (``bench/bio_1n.py`` templates). At 100,000
fingers (100 and 80) ``bench/bio_api.py`` measured 214 of 240 mated searches identified, 5
possible matches and 21 misses, and 60 of 60 non-mated searches no trace. Deployments must
re-measure FPIR at their gallery size (``bench/bio_1n.py``) and adjust the margins.

Non-retention
-------------
The probe is decoded from the request body into numpy arrays, searched and dropped; its arrays
are zeroed before the response unless an examiner review holds them in
:mod:`.probe_cache`. Nothing of it is written to the database, the blob store, the job queue,
a log or a temporary file; errors name the finger, never echo its bytes.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from peelian.auth.models import Role
from peelian.auth.permissions import Permission, has_permission
from peelian.biometrics.gallery import Candidate
from peelian.biometrics.models.search import BioReview, BioSearch, Outcome
from peelian.biometrics.schemas.search import (
    POWERS,
    REASONS,
    SearchCreate,
    SearchRead,
)
from peelian.biometrics.service._answer import colour_outcome, view_of
from peelian.biometrics.service.gallery import GalleryHolder
from peelian.biometrics.service.probe import decode_probe
from peelian.biometrics.service.probe_cache import ProbeCache, ProbeFinger, wipe
from peelian.biometrics.service.review import expire_due, review_of_search
from peelian.core import audit
from peelian.core.audit import Actor, AuditAction
from peelian.core.errors import NotFound, Unauthorized
from peelian.core.ids import uuid7
from peelian.core.time import utcnow
from peelian.records.service.check import PersonCheck, check_person

__all__ = [
    "DeviceRequired",
    "ProbeMatch",
    "Searcher",
    "Thresholds",
    "match_probe",
    "read_search",
    "record_search",
    "run_search",
    "thresholds",
    "view_of",
]

TOP = 10
IDENTIFIED_MARGIN, IDENTIFIED_FLOOR = 50.0, 60.0
POSSIBLE_MARGIN, POSSIBLE_FLOOR = 30.0, 40.0


class DeviceRequired(Unauthorized):
    """Officers search from a registered device with a device-bound token."""

    slug = "device-required"


@dataclass(frozen=True)
class Searcher:
    """Who is searching, as the service needs them."""

    actor: Actor
    user_id: uuid.UUID
    role: Role
    device_id: uuid.UUID | None
    via: str

    @property
    def is_staff(self) -> bool:
        """Staff who may see candidate lists and scores (examiners, investigators)."""
        return has_permission(self.role, Permission.BIO_REVIEW) or has_permission(
            self.role, Permission.BIO_ENROL
        )


@dataclass(frozen=True)
class Thresholds:
    """Fused-score thresholds for a gallery size."""

    identified: float
    possible: float


def thresholds(gallery_fingers: int) -> Thresholds:
    """The identification and possible-match thresholds for a gallery of that many fingers."""
    log_n = 10.0 * math.log10(max(gallery_fingers, 1))
    return Thresholds(
        identified=max(IDENTIFIED_FLOOR, log_n + IDENTIFIED_MARGIN),
        possible=max(POSSIBLE_FLOOR, log_n + POSSIBLE_MARGIN),
    )


# --- the search -----------------------------------------------------------------------------
def _candidate_json(c: Candidate) -> dict[str, object]:
    return {
        "person_id": str(c.subject_id),
        "score": round(c.score, 2),
        "finger_scores": {str(pos): round(s, 2) for pos, s in c.finger_scores},
    }


def _check(session: Session, actor: Actor, person_id: uuid.UUID, why: str) -> PersonCheck | None:
    try:
        return check_person(session, actor=actor, person_id=person_id, purpose=why)
    except NotFound:
        return None  # enrolled but the record is gone: treated as a possible match for review


@dataclass
class ProbeMatch:
    """A probe searched against the gallery, before anything is recorded (no database needed).

    It owns the probe's arrays: :func:`match_probe` zeroes them on leaving its block unless an
    examiner review took them (``held``).
    """

    fingers: list[ProbeFinger]
    found: list[Candidate]
    gallery_size: int
    limits: Thresholds
    started: float
    held: bool = False


@contextmanager
def match_probe(search_in: SearchCreate, gallery: GalleryHolder) -> Iterator[ProbeMatch]:
    """Decode the probe in memory and search it 1:N; the probe is wiped when the block ends.

    Touches no database, so the route runs it outside any transaction: concurrent searches then
    share the CPU cores instead of queueing on a database lock.
    """
    started = time.perf_counter()
    fingers = decode_probe(search_in)
    matched: ProbeMatch | None = None
    try:
        size = gallery.size
        limits = thresholds(size)
        with gallery.searching:  # one search per core at a time; the others queue here
            found = gallery.index.search(
                [f.template for f in fingers], top=TOP, min_score=limits.possible
            )
        matched = ProbeMatch(fingers, found, size, limits, started)
        yield matched
    finally:
        if matched is None or not matched.held:
            wipe(fingers)
        if matched is not None:
            matched.fingers = []
        del fingers


def record_search(
    session: Session,
    *,
    searcher: Searcher,
    search_in: SearchCreate,
    matched: ProbeMatch,
    cache: ProbeCache,
    review_ttl_s: float,
) -> SearchRead:
    """Decide the outcome of a matched probe, store metadata only, hold the probe for review."""
    limits, found = matched.limits, matched.found
    search_id = uuid7()
    why = f"Biometric search {search_id}: {POWERS[search_in.power]}; {search_in.reason}"
    top = found[0] if found else None
    check = None
    if top is not None and top.score >= limits.identified:
        check = _check(session, searcher.actor, top.subject_id, why)
    row = _search_row(search_id, searcher, search_in, matched, check)
    row.elapsed_ms = round((time.perf_counter() - matched.started) * 1000)
    session.add(row)
    session.flush()  # before the review that refers to it
    review = None
    if top is not None and check is None:
        review = BioReview(
            id=uuid7(),
            search_id=search_id,
            expires_at=utcnow() + timedelta(seconds=review_ttl_s),
            candidate_person_id=top.subject_id,
            candidate_score=round(top.score, 2),
            finger_scores=[[pos, round(s, 2)] for pos, s in top.finger_scores],
        )
        session.add(review)
        session.flush()
    _audit_search(session, searcher, row, review)
    if review is not None:  # last, so a failure above leaves nothing held
        cache.put(review.id, tuple(matched.fingers), review_ttl_s)
        matched.held = True
    return view_of(row, review, check, staff=searcher.is_staff)


def run_search(
    session: Session,
    *,
    searcher: Searcher,
    search_in: SearchCreate,
    gallery: GalleryHolder,
    cache: ProbeCache,
    review_ttl_s: float,
) -> SearchRead:
    """Search 1-2 probe fingers 1:N; store metadata only; hold the probe only for a review."""
    with match_probe(search_in, gallery) as matched:
        return record_search(
            session,
            searcher=searcher,
            search_in=search_in,
            matched=matched,
            cache=cache,
            review_ttl_s=review_ttl_s,
        )


def _search_row(
    search_id: uuid.UUID,
    searcher: Searcher,
    search_in: SearchCreate,
    matched: ProbeMatch,
    check: PersonCheck | None,
) -> BioSearch:
    top = matched.found[0] if matched.found else None
    return BioSearch(
        id=search_id,
        user_id=searcher.user_id,
        device_id=searcher.device_id,
        via=searcher.via,
        power=search_in.power,
        reason=search_in.reason,
        offence=search_in.offence.strip(),
        latitude=search_in.location.lat if search_in.location else None,
        longitude=search_in.location.lon if search_in.location else None,
        client_ref=search_in.client_ref,
        finger_positions=[f.position for f in matched.fingers],
        probe_kinds=["image" if f.image is not None else "template" for f in matched.fingers],
        gallery_size=matched.gallery_size,
        threshold_identified=matched.limits.identified,
        threshold_possible=matched.limits.possible,
        top_score=round(top.score, 2) if top else None,
        identified=check is not None,
        person_id=check.person_id if check else None,
        candidates=[_candidate_json(c) for c in matched.found],
        outcome=colour_outcome(check) if check else Outcome.AMBER if top else Outcome.GREEN,
        elapsed_ms=0,
    )


def _audit_search(
    session: Session, searcher: Searcher, row: BioSearch, review: BioReview | None
) -> None:
    audit.record(
        session,
        actor=searcher.actor,
        action=AuditAction.SEARCH,
        record_type="bio_search",
        record_id=row.id,
        purpose=f"{POWERS[row.power]}; {REASONS[row.reason]}; offence: {row.offence}",
        detail={
            "outcome": row.outcome.value,
            "identified": row.identified,
            "person_id": str(row.person_id) if row.person_id else None,
            "review_id": str(review.id) if review else None,
            "fingers": row.finger_positions,
            "via": row.via,
            "location": [row.latitude, row.longitude] if row.latitude is not None else None,
            "candidates_shown": [c["person_id"] for c in row.candidates]
            if searcher.is_staff
            else [],
            "elapsed_ms": row.elapsed_ms,
        },
    )


def read_search(
    session: Session, *, searcher: Searcher, search_id: uuid.UUID, cache: ProbeCache
) -> SearchRead:
    """A search as it stands now (for the device's poll): the searcher's own, or any for staff."""
    row = session.get(BioSearch, search_id)
    may_read = row is not None and (
        row.user_id == searcher.user_id or has_permission(searcher.role, Permission.BIO_REVIEW)
    )
    if row is None or not may_read:
        raise NotFound("no such search")
    expire_due(session, cache=cache)
    review = review_of_search(session, search_id)
    check = None
    if row.person_id is not None and row.identified:
        why = f"Biometric search {row.id}: result read by the searcher or an examiner"
        check = _check(session, searcher.actor, row.person_id, why)
    audit.record(
        session,
        actor=searcher.actor,
        action=AuditAction.READ,
        record_type="bio_search",
        record_id=row.id,
        detail={"review_status": review.status.value if review else None},
    )
    return view_of(row, review, check, staff=searcher.is_staff)
