"""1:N fingerprint gallery index for Peelian: candidate generation plus full rescoring.

A pure package (numpy, numba; Ray only when a sharded index is built): the identification
service loads enrolled templates from its database into a :class:`GalleryIndex` (one
process) or a :class:`ShardedGalleryIndex` (Ray actors) and searches it::

    from peelian.biometrics import gallery

    index = gallery.GalleryIndex(capacity=100_000)
    index.add(gallery.EnrolmentKey(subject_id, 2), template)
    candidates = index.search([right_index, left_index], top=10)

Design
------
Candidate stage: every gallery finger stores ``TRIANGLES_PER_FINGER`` triangles of its
most central minutiae, each as a rotation- and translation-invariant code (quantised sides
and minutia directions relative to the sides, salted with the finger position) with the
rotation of its longest side and its first vertex, in one open-addressing table (5 bytes
an entry). The triangles kept are those whose values lie furthest from their bin edges, so
another impression most likely yields the same code. A probe finger looks up every triangle
of its (up to ``PROBE_MINUTIAE``) minutiae, with neighbouring bins near bin edges. Stage 1
votes per gallery finger over rotation (best pair of neighbouring rotation bins); stage 2
takes the ``PRESELECT * shortlist`` best and votes over the full pose (rotation and
translation from each hit's stored and probe minutia), ranking fingers by the most distinct
minutiae agreeing on one pose. Stage 3 moves the probe's minutiae by that pose onto each of
the ``VERIFY * shortlist`` best and counts the stored minutiae they pair with (all of them,
not only the triangles' vertices). The ``shortlist`` fingers with the most pairs go to the
engine's matcher (:func:`engine.search`), one thread per probe finger. With two
or more probe fingers, the best subjects get their other fingers compared directly, and
scores are fused per subject (:func:`engine.fuse`: product of false match rates).
"""

from ._index import GalleryIndex
from ._sharded import ShardedGalleryIndex
from ._types import Candidate, EnrolmentKey

__all__ = ["Candidate", "EnrolmentKey", "GalleryIndex", "ShardedGalleryIndex"]
