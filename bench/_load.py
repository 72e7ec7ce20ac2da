"""A lean push load generator and the CPU accounting the sync benchmark prints beside wall time.

The load generator must not be what limits the figure on a 2-core machine: request bodies are
encoded before the clock starts, each device thread keeps one HTTP/1.1 connection open
(http.client, no client library on top) and keeps every response body to check afterwards.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PUSH = "/api/v1/mobile/sync/push"
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class DeviceLoad:
    """One device's pre-encoded batches, and what the server answered to each."""

    device_id: str
    token: str
    bodies: list[bytes]
    answers: list[dict[str, Any]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _push_device(base: str, load: DeviceLoad) -> None:
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=120)
    headers = {"Authorization": f"Bearer {load.token}", "Content-Type": "application/json"}
    try:
        for body in load.bodies:
            t0 = time.perf_counter()
            conn.request("POST", PUSH, body=body, headers=headers)
            res = conn.getresponse()
            data = res.read()
            load.latencies.append(time.perf_counter() - t0)
            if res.status != 200:
                load.errors.append(f"{res.status} {data[:120]!r}")
                return
            load.answers.append(json.loads(data))
    except OSError as exc:
        load.errors.append(f"connection: {exc}")
    finally:
        conn.close()


def push_concurrently(base: str, loads: list[DeviceLoad]) -> float:
    """Every device pushes its batches in order, all devices at once; returns wall seconds."""
    threads = [threading.Thread(target=_push_device, args=(base, load)) for load in loads]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def _stat(pid: str) -> tuple[str, int, int] | None:
    """(command name, parent pid, user+system ticks) of a process, or None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw.rsplit(")", 1)[1].split()
    return name, int(fields[1]), int(fields[11]) + int(fields[12])


def _all_stats() -> dict[int, tuple[str, int, int]]:
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(entry.name)
            if found is not None:
                stats[int(entry.name)] = found
    return stats


def tree_cpu_s(root: int) -> float:
    """CPU seconds used so far by a process and all its descendants (Linux /proc)."""
    stats = _all_stats()
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][2]
        todo.extend(children.get(pid, []))
    return total / _TICK


def named_cpu_s(name: str) -> float:
    """CPU seconds used so far by every live process with this command name (e.g. postgres)."""
    return sum(ticks for comm, _, ticks in _all_stats().values() if comm == name) / _TICK


def machine_busy_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time, which is already counted in user
    return (total - idle) / _TICK, total / _TICK


def server_pid(port: int) -> int | None:
    """The pid of the uvicorn process (the supervisor when there are workers) on this port."""
    for pid, (_, _, _) in _all_stats().items():
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"uvicorn" in argv and str(port).encode() in argv and b"--port" in argv:
            return pid
    return None
