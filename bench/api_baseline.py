"""Requests/s and p50/p99 latency of an authenticated read (GET /api/v1/me) on this machine.

Starts a real server process (uvicorn, one worker) on a temporary SQLite database, signs in a
user, then drives it from this process with a fixed number of concurrent keep-alive clients for
a fixed time. Figures only: no threshold.

    python bench/api_baseline.py [--seconds 10] [--concurrency 8] [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

from _server import running_server

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def _env(tmp: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PEELIAN_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnop",
        PEELIAN_DATABASE_URL=database_url or f"sqlite:///{tmp / 'bench.db'}",
        PEELIAN_VAR_DIR=str(tmp / "var"),
        PEELIAN_STORAGE_URL=f"file://{tmp / 'blobs'}",
        PEELIAN_LOG_LEVEL="WARNING",
    )
    return env


def _cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [PY, "-c", "from peelian.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return out.stdout


def _worker(url: str, token: str, stop: float, latencies: list[float], errors: list[int]) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            res = client.get("/api/v1/me")
            latencies.append(time.perf_counter() - t0)
            if res.status_code != 200:
                errors.append(res.status_code)


def run(seconds: float, concurrency: int, database_url: str | None) -> dict[str, object]:
    """Run the benchmark and return its figures."""
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        env = _env(tmp, database_url)
        _cli(env, "db", "upgrade")
        _cli(
            env,
            "users",
            "create",
            "bench-citizen",
            "--role",
            "citizen",
            "--name",
            "Bench",
            "--password",
            "bench-password-123",
        )
        with running_server(env) as url:
            token = httpx.post(
                url + "/api/v1/auth/token",
                json={"username": "bench-citizen", "password": "bench-password-123"},
            ).json()["access_token"]
            # Warm-up so first-request costs do not count.
            _worker(url, token, time.perf_counter() + 1.0, [], [])
            latencies: list[float] = []
            errors: list[int] = []
            stop = time.perf_counter() + seconds
            threads = [
                threading.Thread(target=_worker, args=(url, token, stop, latencies, errors))
                for _ in range(concurrency)
            ]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)
    return {
        "database": (database_url or "sqlite").split(":")[0],
        "requests": len(latencies),
        "errors": len(errors),
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 2),
        "p99_ms": round(q[98] * 1000, 2),
    }


def main() -> None:
    """Parse arguments, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures = run(args.seconds, args.concurrency, args.database_url)
    if args.json:
        print(json.dumps(figures))
        return
    print(
        f"Authenticated read GET /api/v1/me — {figures['database']}, 1 uvicorn worker, "
        f"{figures['concurrency']} clients, {figures['seconds']} s"
    )
    print(f"  requests/s  {figures['rps']}")
    print(f"  p50         {figures['p50_ms']} ms")
    print(f"  p99         {figures['p99_ms']} ms")
    print(f"  errors      {figures['errors']} of {figures['requests']}")


if __name__ == "__main__":
    main()
