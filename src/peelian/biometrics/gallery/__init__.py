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
Candidate stage: every gallery finger stores ``TRIANGLES_PER_FINGER`` small triangles of
its most central minutiae, each as a rotation- and translation-invariant code (quantised
sides and minutia directions relative to the sides) with the rotation of its longest side,
in one open-addressing table of ``uint32`` entries. A probe finger looks up all its
triangles (also neighbouring bins near bin edges); each hit votes for the gallery finger
under the rotation it implies, and a finger's vote is its best pair of neighbouring
rotation bins (a Hough transform over rotation). The ``shortlist`` best-voted fingers of
the probe's finger position go to the engine's matcher (:func:`engine.search`). With two
or more probe fingers, the best subjects get their other fingers compared directly, and
scores are fused per subject (:func:`engine.fuse`: product of false match rates).
"""

from ._index import GalleryIndex
from ._sharded import ShardedGalleryIndex
from ._types import Candidate, EnrolmentKey

__all__ = ["Candidate", "EnrolmentKey", "GalleryIndex", "ShardedGalleryIndex"]
