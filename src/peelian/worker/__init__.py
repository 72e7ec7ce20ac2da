"""Background jobs: Huey set-up, the ``@task("domain.verb")`` registry and enqueue-after-commit.

Wiring at start-up::

    huey = make_huey(redis_url=settings.redis_url, sqlite_path=settings.queue_path)
    configure_queue(huey)          # the app and `peelian worker` both do this
    run_worker(huey, workers=4)    # only in `peelian worker`
"""

from peelian.worker._enqueue import JSONValue, enqueue, pending_jobs
from peelian.worker.queue import (
    TaskSpec,
    configure_queue,
    get_queue,
    get_task,
    make_huey,
    registered_tasks,
    run_worker,
    task,
)

__all__ = [
    "JSONValue",
    "TaskSpec",
    "configure_queue",
    "enqueue",
    "get_queue",
    "get_task",
    "make_huey",
    "pending_jobs",
    "registered_tasks",
    "run_worker",
    "task",
]
