"""Every tuning constant of the 1:N gallery index, in one place.

Lengths are in pixels at 500 ppi; angles in radians. Values were chosen on synthetic
templates (see :mod:`.synthetic`) and are not fitted to any real data set.
"""

from __future__ import annotations

from typing import Final

# --- Candidate index: minutia triplets (triangles) -----------------------------------------
INDEX_MINUTIAE: Final = 24
"""A gallery finger's triangles are drawn from its most central minutiae."""
TRIANGLES_PER_FINGER: Final = 48
"""Triangles stored in the candidate table per gallery finger (smallest perimeter first)."""
TRIANGLES_PER_MINUTIA: Final = 8
"""At most this many stored triangles share one minutia (spreads them over the finger)."""
SIDE_MIN: Final = 16.0
SIDE_MAX: Final = 100.0
"""Triangle sides must lie in this range (short sides are noisy, long ones rarely survive
distortion and partial captures)."""
SIDE_BIN: Final = 12.0
"""Quantisation step of side lengths. On 10,000 synthetic fingers 12 (with ``SOFT_MARGIN``
0.35) kept the mate in a 100-finger shortlist for 0.965 of probe fingers; 10 (with 0.25)
for 0.925, 14 for 0.95."""
ANGLE_BINS: Final = 12
"""Quantisation of each vertex's minutia direction relative to its outgoing side."""
SOFT_MARGIN: Final = 0.35
"""A probe value within this fraction of a bin from a bin edge also votes for the
neighbouring bin, so jitter does not lose genuine triangles."""
SIDE_SIGMA: Final = 3.0
ANGLE_SIGMA: Final = 0.12
"""Expected spread of a triangle side (pixels) and of a minutia direction (radians) between
two impressions of a finger; a gallery finger stores the triangles whose values lie
furthest from their bin edges measured in these units."""
TIE_MARGIN: Final = 4.0
"""When the two longest sides of a probe triangle differ by less than this, both canonical
orderings are looked up."""
PROBE_MINUTIAE: Final = 48
"""A probe's triangles are drawn from its most central minutiae (all of them, not only the
ones the matcher keeps: a gallery triangle needs its three minutiae in the probe)."""
PROBE_CODE_LIMIT: Final = 600_000
"""Most codes one probe finger looks up."""
TABLE_LOAD: Final = 0.8
"""Largest fill of the open-addressing candidate table before it grows."""
TABLE_GROWTH: Final = 1.5

# --- Search ---------------------------------------------------------------------------------
SHORTLIST: Final = 400
"""Candidates per probe finger passed from the index to the full matcher (about 0.1-0.2 ms
a comparison). On 100,000 synthetic fingers the pose check kept the mate of 0.94 of probe
fingers in a 300-finger shortlist, as many as 1,000 fingers ranked by the votes alone."""
COMPLETE: Final = 100
"""Subjects (best partial fused score first) whose fingers missing from a probe finger's
shortlist are compared directly."""
PRESELECT: Final = 20
PRESELECT_SHARE: Final = 0.05
"""The rotation vote passes ``PRESELECT`` times ``shortlist`` fingers to the pose vote, or
this share of the eligible fingers if more: a mate's rank in the rotation vote grows with
the gallery (on 100,000 synthetic fingers, 5 % of mates ranked below the best 6.5 %)."""
HIT_LIMIT: Final = 2_000_000
"""Most table hits the pose vote considers per probe finger."""
HIT_RECORD: Final = 12_000_000
"""Most table hits the rotation vote records for the pose vote (10 bytes each, touched only
as used; about 4.7 million per probe finger at 1,000,000 fingers). Beyond it the pose vote
walks the table again."""
POSE_ROT: Final = 0.35
POSE_SHIFT: Final = 28.0
"""Two hits agree on a pose when their rotations differ by at most ``POSE_ROT`` radians and
their translations by at most ``POSE_SHIFT`` pixels."""
SEARCH_THREADS: Final = 2
"""Probe fingers of one search handled at once, each on its own thread."""
VERIFY: Final = 4
"""The pose vote passes this many times ``shortlist`` fingers to the pose check
(:mod:`._verify`), which picks the ``shortlist`` passed to the matcher."""
VERIFY_DISTANCE: Final = 20.0
VERIFY_ANGLE: Final = 0.5
"""A probe minutia moved by a finger's pose pairs with a stored one within this distance
(pixels) and direction difference (radians): room for skin distortion and pose error."""
MIN_VOTES: Final = 1
"""Gallery fingers with fewer triangle votes are never rescored."""
COMPACT_DEAD_FRACTION: Final = 0.2
"""Removed entries are compacted away once they make up this share of the slots."""
