"""Value types shared by the single-process and the sharded gallery index."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import NamedTuple


class EnrolmentKey(NamedTuple):
    """Opaque key of one enrolled finger: the subject and the ISO finger position (1-10)."""

    subject_id: uuid.UUID
    finger_position: int


@dataclass(frozen=True)
class Candidate:
    """One subject returned by a 1:N search.

    Attributes
    ----------
    subject_id
        The enrolled subject.
    score
        Fused calibrated score, the sum over the probe fingers (see
        :func:`peelian.biometrics.engine.fuse`); ``-10 log10`` of the joint false match rate.
    finger_scores
        ``(finger_position, score)`` per probe finger, in probe order; 0 where the subject has
        no such finger enrolled.
    """

    subject_id: uuid.UUID
    score: float
    finger_scores: tuple[tuple[int, float], ...]
