"""Synthetic fingerprints in the manner of SFinGe: master prints, impressions, databases.

A master print is a synthetic finger grown from a class-conditioned orientation model, a
density map and iterative Gabor filtering; impressions add partial contact, skin condition,
plastic distortion, noise and placement, and carry the master's minutiae along as ground
truth. Everything is deterministic given a seed.

References
----------
.. [1] R. Cappelli, D. Maio and D. Maltoni, "Synthetic fingerprint-database generation",
   Proc. ICPR 2002, vol. 3, pp. 744-747.
.. [2] D. Maltoni, D. Maio, A. K. Jain and S. Prabhakar, "Handbook of Fingerprint
   Recognition", 2nd ed., Springer, 2009, chapter 6.
"""

from ._dataset import FIRST_FINGER, finger_number, generate_dataset, truth_to_json
from ._distortion import Placement
from ._impression import (
    Impression,
    ImpressionParams,
    random_impression_params,
    render_impression,
    synthesize_impression,
)
from ._master import FingerprintClass, MasterPrint, render_master, synthesize_finger
from ._orientation import SingularPoints, poincare_index

__all__ = [
    "FIRST_FINGER",
    "FingerprintClass",
    "Impression",
    "ImpressionParams",
    "MasterPrint",
    "Placement",
    "SingularPoints",
    "finger_number",
    "generate_dataset",
    "poincare_index",
    "random_impression_params",
    "render_impression",
    "render_master",
    "synthesize_finger",
    "synthesize_impression",
    "truth_to_json",
]
