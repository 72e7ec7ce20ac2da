"""Fingerprint template formats: Peelian's native binary form, ISO 19794-2 and ANSI 378.

Every decoder rejects malformed input with :class:`TemplateFormatError`, whose ``offset`` is the
byte position of the offending field. Every encoder leaves its input untouched.

Quantisation (worst-case round-trip error):

=================  ===========  ===============================
format             position     angle
=================  ===========  ===============================
native v1          0.25 px      0.011 degrees (2*pi/16384 rad)
ISO 19794-2:2005   0.5 px       0.703 degrees (360/256 units)
ANSI 378-2004      0.5 px       1 degree (2 degree units)
=================  ===========  ===============================

Position errors double for a minutia within one error bound of the right or bottom image edge,
because rounding would put it on the edge (outside the image) and it is clipped back inside.
"""

from ._ansi378 import from_ansi378, to_ansi378
from ._errors import TemplateFormatError
from ._iso19794_2 import from_iso19794_2, to_iso19794_2
from ._native import deserialize, serialize

__all__ = [
    "TemplateFormatError",
    "deserialize",
    "from_ansi378",
    "from_iso19794_2",
    "serialize",
    "to_ansi378",
    "to_iso19794_2",
]
