"""The answer to a search: RED/AMBER/GREEN with reasons and actions, officer-safety first."""

from __future__ import annotations

import uuid

from peelian.biometrics import engine
from peelian.biometrics.models.search import BioReview, BioSearch, Outcome, ReviewStatus
from peelian.biometrics.schemas.search import CandidateRead, PersonBrief, ReviewBrief, SearchRead
from peelian.core.time import as_utc
from peelian.records.checks import Colour
from peelian.records.service.check import PersonCheck

__all__ = ["colour_outcome", "view_of"]


def colour_outcome(check: PersonCheck) -> Outcome:
    """The outcome colour of an identified person's check."""
    return {Colour.RED: Outcome.RED, Colour.AMBER: Outcome.AMBER}.get(check.colour, Outcome.GREEN)


def _identified_lines(check: PersonCheck) -> tuple[list[str], list[str], list[str]]:
    warnings = list(check.officer_safety)
    reasons = [r.text for r in check.reasons] or ["Identified: nothing current on this person"]
    actions = [r.action for r in check.reasons] or ["No action needed on the record"]
    return warnings, reasons, actions


def view_of(
    row: BioSearch, review: BioReview | None, check: PersonCheck | None, *, staff: bool
) -> SearchRead:
    """The answer for a search row, its review and (when identified) a fresh person check."""
    warnings: list[str] = []
    outcome, identified, person = row.outcome, False, None
    if check is not None:
        warnings, reasons, actions = _identified_lines(check)
        outcome, identified = colour_outcome(check), True
        person = PersonBrief(id=check.person_id, name=check.name, date_of_birth=check.date_of_birth)
        if review is not None:
            reasons.insert(0, "Identity confirmed by a fingerprint examiner")
    elif review is None:
        outcome = Outcome.GREEN
        reasons = ["No trace: no enrolled fingerprints match"]
        actions = ["Establish identity by other means"]
    elif review.status is ReviewStatus.PENDING:
        outcome = Outcome.AMBER
        reasons = ["Possible match: a fingerprint examiner is reviewing it"]
        actions = ["Do not act on a possible match; wait for the examiner's decision"]
    elif review.status is ReviewStatus.REJECTED:
        outcome = Outcome.GREEN
        reasons = ["No trace: the examiner rejected the possible match"]
        actions = ["Establish identity by other means"]
    elif review.status is ReviewStatus.CONFIRMED:  # the confirmed record is no longer held
        outcome = Outcome.AMBER
        reasons = ["Match confirmed, but the person's record is no longer available"]
        actions = ["Contact the bureau before acting; establish identity by other means"]
    else:
        outcome = Outcome.AMBER
        reasons = ["Not identified: the review expired before an examiner decided"]
        actions = ["The probe was discarded; establish identity by other means"]
    candidates = None
    if staff:
        candidates = [
            CandidateRead(
                person_id=uuid.UUID(str(c["person_id"])),
                score=float(c["score"]),
                fmr=engine.score_to_fmr(float(c["score"])),
                finger_scores={str(k): float(v) for k, v in dict(c["finger_scores"]).items()},
            )
            for c in row.candidates
        ]
    return SearchRead(
        search_id=row.id,
        outcome=outcome,
        identified=identified,
        person=person,
        warnings=warnings,
        reasons=reasons,
        actions=actions,
        review=ReviewBrief(id=review.id, status=review.status, expires_at=as_utc(review.expires_at))
        if review
        else None,
        candidates=candidates,
        elapsed_ms=row.elapsed_ms,
    )
