"""The job queue: building the Huey instance, the task registry, and running the consumer.

Design: domains declare jobs with ``@task("records.reindex")`` in their ``tasks.py``. The
decorator only records the function in a module-level registry and returns it unchanged, so a
domain never needs to know which backend runs it. At start-up the app (or the worker CLI)
builds the concrete queue with ``make_huey(...)`` from settings and calls
``configure_queue(huey)``, which binds every recorded task to it; tasks imported later bind
on import. Jobs are addressed on the wire by their ``domain.verb`` name alone (not by the
Python module that defines them), so moving code between modules never orphans queued jobs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, ParamSpec, TypeVar

import redis
from huey import Huey, RedisHuey, SqliteHuey

P = ParamSpec("P")
R = TypeVar("R")

# Every task class is registered under this module, giving wire names like
# "peelian.records.reindex" that do not change when a tasks module moves.
WIRE_MODULE = "peelian"
_TASK_NAME = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """A declared job: its ``domain.verb`` name, the function, and how Huey should run it."""

    name: str
    func: Callable[..., Any]
    retries: int = 0
    retry_delay: int = 0
    schedule: Callable[[Any], bool] | None = None


_specs: dict[str, TaskSpec] = {}
_names_by_func: dict[Callable[..., Any], str] = {}
_bound: dict[str, Any] = {}
_queue: Huey | None = None


def make_huey(
    *, redis_url: str | None, sqlite_path: Path, immediate: bool = False, name: str = "peelian"
) -> Huey:
    """Build the queue: RedisHuey when `redis_url` is given, else SqliteHuey at `sqlite_path`.

    With ``immediate=True`` Huey runs each job in-process as it is sent, on in-memory storage,
    which is what unit tests want.
    """
    if redis_url:
        pool = redis.ConnectionPool.from_url(redis_url)
        return RedisHuey(name, connection_pool=pool, immediate=immediate, utc=True)
    if not immediate:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(sqlite_path), immediate=immediate, utc=True)


def task(
    name: str,
    *,
    retries: int = 0,
    retry_delay: int = 0,
    schedule: Callable[[Any], bool] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare the decorated function as the job `name` (``domain.verb``); returns it unchanged.

    Pass ``schedule=huey.crontab(...)`` to make it a periodic job (periodic jobs take no
    arguments). Jobs must be idempotent and take ids, never objects or personal data.
    """
    if _TASK_NAME.fullmatch(name) is None:
        raise ValueError(f"task name {name!r} must look like 'domain.verb' (lowercase, one dot)")

    def register(func: Callable[P, R]) -> Callable[P, R]:
        existing = _specs.get(name)
        if existing is not None and _identity(existing.func) != _identity(func):
            raise ValueError(
                f"task {name!r} is already declared by {'.'.join(_identity(existing.func))}"
            )
        spec = TaskSpec(name, func, retries=retries, retry_delay=retry_delay, schedule=schedule)
        _specs[name] = spec
        _names_by_func[func] = name
        if _queue is not None:
            _bind(_queue, spec)
        return func

    return register


def configure_queue(huey: Huey) -> None:
    """Make `huey` the queue every declared task runs on (call once at start-up)."""
    global _queue
    _queue = huey
    _bound.clear()
    for spec in _specs.values():
        _bind(huey, spec)


def get_queue() -> Huey:
    """Return the configured queue, or raise RuntimeError if start-up has not configured one."""
    if _queue is None:
        raise RuntimeError("no job queue configured: call configure_queue(make_huey(...)) first")
    return _queue


def get_task(task_or_name: str | Callable[..., Any]) -> Any:
    """Return the Huey TaskWrapper bound for a declared task, by name or by function."""
    get_queue()
    name = task_or_name if isinstance(task_or_name, str) else _names_by_func.get(task_or_name)
    if name is None or name not in _bound:
        shown = name or getattr(task_or_name, "__qualname__", repr(task_or_name))
        raise LookupError(f"no task declared as {shown!r}; is its domain's tasks module imported?")
    return _bound[name]


def registered_tasks() -> Mapping[str, TaskSpec]:
    """Return every declared task by name (read-only)."""
    return MappingProxyType(_specs)


def run_worker(
    huey: Huey, workers: int = 1, *, worker_type: Literal["thread", "process"] = "thread"
) -> None:
    """Run a Huey consumer in the foreground until SIGINT (graceful) or SIGTERM."""
    # Threads suit jobs that wait on the database, S3 or HTTP; CPU-bound work can use processes.
    consumer = huey.create_consumer(workers=workers, worker_type=worker_type, periodic=True)
    consumer.run()


def _bind(huey: Huey, spec: TaskSpec) -> Any:
    previous = _bound.pop(spec.name, None)
    if previous is not None and previous.huey is huey:
        previous.unregister()
    func = spec.func

    def run(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    # Huey names a task "<function module>.<name>"; a fixed module keeps wire names stable.
    run.__module__ = WIRE_MODULE
    run.__qualname__ = run.__name__ = spec.name
    run.__doc__ = func.__doc__
    options = {"name": spec.name, "retries": spec.retries, "retry_delay": spec.retry_delay}
    if spec.schedule is None:
        wrapper = huey.task(**options)(run)
    else:
        wrapper = huey.periodic_task(spec.schedule, **options)(run)
    _bound[spec.name] = wrapper
    return wrapper


def _identity(func: Callable[..., Any]) -> tuple[str, str]:
    # Module and qualified name, so re-importing a tasks module is not a duplicate declaration.
    return (func.__module__, func.__qualname__)
