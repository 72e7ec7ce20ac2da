"""A real Peelian server process for benchmarks: start on a free port, wait for /readyz, stop."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    env: dict[str, str], *, ready_timeout_s: float = 60.0, workers: int = 1
) -> Iterator[str]:
    """Run `uvicorn peelian.asgi:app` with env; yield its base URL once /readyz answers 200.

    With workers > 1 uvicorn starts that many worker processes under one supervisor.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "peelian.asgi:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if workers > 1:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout_s
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"the server did not become ready within {ready_timeout_s} s")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
