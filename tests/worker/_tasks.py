"""Jobs declared the way a domain's tasks.py declares them, for the worker tests."""

from __future__ import annotations

from peelian.worker import task

CALLS: list[str] = []


@task("testing.add")
def add(a: int, b: int) -> int:
    """Return the sum (a job with a result)."""
    return a + b


@task("testing.touch")
def touch(item_id: str) -> str:
    """Record that the job ran for `item_id`."""
    CALLS.append(item_id)
    return item_id
