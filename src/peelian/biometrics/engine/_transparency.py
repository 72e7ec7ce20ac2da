"""Transparency hook: record what every extraction stage produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Transparency"]


@dataclass
class Transparency:
    """Collects intermediate results of :func:`extract` so that they can be inspected.

    Pass an instance to ``extract(..., transparency=t)``; afterwards ``t.stages`` maps stage
    names (``"image"``, ``"mask"``, ``"orientation"``, ``"coherence"``, ``"frequency"``,
    ``"enhanced"``, ``"binary"``, ``"skeleton"``, ``"minutiae_raw"``, ``"template"``) to copies of
    what that stage produced, and ``t.timings_ms`` to how long it took. Nothing is recorded
    when no hook is given, so ordinary extraction pays nothing for it.

    The stages hold biometric data: never log or persist them outside an examiner's view.
    """

    stages: dict[str, Any] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def record(self, name: str, value: Any, elapsed_ms: float | None = None) -> None:
        """Store a copy of one stage's output (arrays are copied, so nothing can alter them)."""
        self.stages[name] = value.copy() if isinstance(value, np.ndarray) else value
        if elapsed_ms is not None:
            self.timings_ms[name] = elapsed_ms
