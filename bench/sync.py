"""Sync protocol figures against a real server process (uvicorn, one worker).

1. ops/s applied: devices push batches of 100 submission/notebook operations. Also the server
   process's CPU per op in that run, and the rate of the same pushes made in-process (the app
   called directly, no sockets) in wall and CPU time: on a shared machine CPU figures move less
   with other load than wall-clock ones.
2. restore: a fresh device pulls 10,000 team briefings (reference records) to its own store.
3. fleet: N simulated devices each push M submissions (batches of 10); p50/p99 push latency.

Seeding (users, devices, briefings) is done in-process on the database for speed; device tokens
are minted with the server's token key, as the server would after a device sign-in.

    python bench/sync.py [--database-url URL] [--devices 1000] [--per-device 50] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient

from _server import running_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from peelian.auth import devices as device_service  # noqa: E402
from peelian.auth import service as auth_service  # noqa: E402
from peelian.auth.models import Role  # noqa: E402
from peelian.auth.schemas import DeviceRegister, UserCreate  # noqa: E402
from peelian.auth.security import configure_password_hashing, encode_access_token  # noqa: E402
from peelian.config import Settings  # noqa: E402
from peelian.core.audit import Actor  # noqa: E402
from peelian.core.db import create_database  # noqa: E402
from peelian.core.db.migrate import upgrade  # noqa: E402
from peelian.core.ids import uuid7  # noqa: E402
from peelian.main import create_app  # noqa: E402
from peelian.mobile.client import Api, DeviceClient, DeviceStore  # noqa: E402
from peelian.mobile.forms import service as forms  # noqa: E402
from peelian.mobile.models import Briefing  # noqa: E402
from peelian.mobile.sync.changes import ChangeIn, publish_changes, team_bucket  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
ACTOR = Actor.system("bench")
KEY = "A" * 43 + "="  # a valid base64 32-byte public key; devices never sign here


def _stop_search(i: int) -> dict[str, Any]:
    return {
        "search_datetime": "2026-11-29T10:15:00+00:00",
        "location": f"High Street {i}",
        "sde": "W1",
        "search_type": "person",
        "power": "mda_s23",
        "grounds": "Strong smell of cannabis and seen passing a small bag to another person",
        "object_of_search": "drugs",
        "officer_id": "PC 1234",
        "outcome": "nfa",
        "injury": "no",
        "bwv_used": "yes",
        "receipt_offered": "given",
    }


class Seeder:
    """Direct database set-up for the bench."""

    def __init__(self, url: str) -> None:
        configure_password_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)
        self.db = create_database(url)
        upgrade(self.db.engine)
        with self.db.unit_of_work() as s:
            forms.publish_builtin(s, actor=ACTOR)
        self.token_key = hashlib.sha256(b"peelian-tokens:" + SECRET.encode()).digest()

    def devices(self, count: int, team: str) -> list[tuple[str, str]]:
        """(device_id, token) for `count` new officers."""
        out = []
        tag = uuid.uuid4().hex[:6]
        with self.db.unit_of_work() as s:
            for i in range(count):
                user, _ = auth_service.create_user(
                    s,
                    actor=ACTOR,
                    user_in=UserCreate(
                        username=f"b{tag}-{i}",
                        display_name="Bench",
                        role=Role.OFFICER,
                        password="bench-password-123",
                        collar_number=str(i),
                        team=team,
                    ),
                )
                device_id = uuid7()
                device_service.register_device(
                    s,
                    actor=ACTOR,
                    user=user,
                    device_in=DeviceRegister(id=device_id, name="bench", public_key=KEY),
                )
                token = encode_access_token(
                    self.token_key, user_id=user.id, role="officer", device_id=device_id, ttl_s=3600
                )
                out.append((str(device_id), token))
        return out

    def briefings(self, team: str, count: int) -> None:
        """`count` briefings published to the team's bucket."""
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            rows = [
                Briefing(
                    id=uuid7(),
                    team=team,
                    title=f"Briefing {i}",
                    priority=2,
                    body=f"Look out for vehicle AB{i % 100:02d} CDE near the park; "
                    "report sightings to control. " * 3,
                    created_at=now,
                )
                for i in range(count)
            ]
            s.add_all(rows)
            s.flush()
            publish_changes(
                s,
                [
                    ChangeIn(
                        team_bucket(team),
                        "briefing",
                        str(b.id),
                        {"title": b.title, "body": b.body, "priority": 2},
                    )
                    for b in rows
                ],
            )


def _ops(start_seq: int, count: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    ops = []
    for i in range(count):
        seq = start_seq + i
        if i % 4 == 3:
            kind, payload = (
                "notebook.append",
                {
                    "entry_id": str(uuid7()),
                    "device_number": seq,
                    "device_time": now.isoformat(),
                    "text": f"{seq:04d} routine patrol note",
                },
            )
        else:
            kind, payload = (
                "submission.create",
                {
                    "submission_id": str(uuid7()),
                    "form_id": "stop_search",
                    "form_version": "2023-12-20.1",
                    "data": _stop_search(seq),
                    "started_at": (now - timedelta(minutes=6)).isoformat(),
                    "completed_at": now.isoformat(),
                },
            )
        ops.append(
            {
                "id": str(uuid7()),
                "seq": seq,
                "kind": kind,
                "created_at": now.isoformat(),
                "payload": payload,
            }
        )
    return ops


def _push_all(
    url: str,
    token: str,
    batches: int,
    size: int,
    lat: list[float],
    errors: list[str],
) -> None:
    """Push `batches` batches of `size` operations from one device."""
    with httpx.Client(base_url=url, timeout=120, headers={"Authorization": f"Bearer {token}"}) as c:
        seq = 1
        for _ in range(batches):
            ops = _ops(seq, size)
            t0 = time.perf_counter()
            res = c.post("/api/v1/mobile/sync/push", json={"ops": ops})
            lat.append(time.perf_counter() - t0)
            if res.status_code != 200:
                errors.append(f"{res.status_code} {res.text[:120]}")
                return
            seq += size


def _server_cpu_s() -> float | None:
    """CPU seconds used so far by this process's uvicorn child (Linux /proc), else None."""
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            mine = int(fields[1]) == os.getpid()
            if mine and b"uvicorn" in (stat.parent / "cmdline").read_bytes():
                return (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return None


def _in_process(seeder: Seeder, env: dict[str, str], batches: int) -> dict[str, float]:
    """Pushes of 100 ops made in this process through the app (no sockets), one device."""
    settings = Settings(
        secret_key=env["PEELIAN_SECRET_KEY"],
        database_url=env["PEELIAN_DATABASE_URL"],
        var_dir=Path(env["PEELIAN_VAR_DIR"]),
        storage_url=env["PEELIAN_STORAGE_URL"],
        max_body_bytes=int(env["PEELIAN_MAX_BODY_BYTES"]),
    )
    app = create_app(settings)
    ((_, token),) = seeder.devices(1, "InProcess")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    bodies = [json.dumps({"ops": _ops(1 + i * 100, 100)}).encode() for i in range(batches + 1)]
    wall = cpu = 0.0
    with TestClient(app) as client:
        for i, body in enumerate(bodies):
            t0, c0 = time.perf_counter(), time.process_time()
            res = client.post("/api/v1/mobile/sync/push", content=body, headers=headers)
            if i:  # the first push warms caches
                wall += time.perf_counter() - t0
                cpu += time.process_time() - c0
            if res.status_code != 200:
                raise RuntimeError(f"in-process push failed: {res.status_code} {res.text[:200]}")
    app.state.peelian.db.dispose()
    return {
        "inproc_ops_per_s": round(batches * 100 / wall, 1),
        "inproc_cpu_ops_per_s": round(batches * 100 / cpu, 1),
    }


def run(database_url: str | None, n_devices: int, per_device: int) -> dict[str, Any]:
    """Run the three measurements."""
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url_db = database_url or f"sqlite:///{tmp / 'bench.db'}"
        seeder = Seeder(url_db.replace("postgresql://", "postgresql+psycopg://", 1))
        env = dict(
            os.environ,
            PEELIAN_SECRET_KEY=SECRET,
            PEELIAN_DATABASE_URL=url_db,
            PEELIAN_VAR_DIR=str(tmp / "var"),
            PEELIAN_STORAGE_URL=f"file://{tmp / 'b'}",
            PEELIAN_LOG_LEVEL="WARNING",
            PEELIAN_MAX_BODY_BYTES=str(4 * 1024 * 1024),
            PYTHONPATH=str(ROOT / "src"),
        )
        try:
            with running_server(env, ready_timeout_s=60.0) as base:
                figures = _measure(seeder, base, tmp, n_devices, per_device)
            figures.update(_in_process(seeder, env, batches=12))
        finally:
            seeder.db.dispose()
    figures["database"] = "postgresql" if database_url else "sqlite"
    return figures


def _measure(
    seeder: Seeder, base: str, tmp: Path, n_devices: int, per_device: int
) -> dict[str, Any]:
    # 1. throughput: 4 devices × 12 batches of 100 (after a warm-up batch each).
    devs = seeder.devices(4, "Throughput")
    warm: list[float] = []
    for _, token in devs:
        _push_all(base, token, 1, 10, warm, [])
    lat: list[float] = []
    errors: list[str] = []
    fresh = seeder.devices(4, "Throughput")
    server_cpu0, client_cpu0 = _server_cpu_s(), time.process_time()
    t0 = time.perf_counter()
    threads = [
        threading.Thread(target=_push_all, args=(base, tok, 12, 100, lat, errors))
        for _, tok in fresh
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ops_per_s = 4 * 12 * 100 / (time.perf_counter() - t0)
    server_cpu1, client_cpu = _server_cpu_s(), time.process_time() - client_cpu0
    server_cpu = None if server_cpu0 is None or server_cpu1 is None else server_cpu1 - server_cpu0
    # 2. restore 10,000 reference records on a fresh device.
    # A team of its own per run: on PostgreSQL the bench database outlives the run.
    team = f"Restore-{uuid.uuid4().hex[:6]}"
    seeder.briefings(team, 10_000)
    ((device_id, token),) = seeder.devices(1, team)
    client = DeviceClient(DeviceStore(tmp / "restore.db"), Api(base, timeout=120))
    client.store.set(device_id=device_id, access_token=token)
    client.api.token = token
    t0 = time.perf_counter()
    pulled = client.pull(limit=5000)
    restore_s = time.perf_counter() - t0
    # 3. fleet: each device pushes per_device submissions in batches of 10.
    fleet = seeder.devices(n_devices, "Fleet")
    fleet_lat: list[float] = []
    fleet_errors: list[str] = []
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for _, tok in fleet:
            pool.submit(_push_all, base, tok, max(1, per_device // 10), 10, fleet_lat, fleet_errors)
    fleet_s = time.perf_counter() - t0
    q = statistics.quantiles(fleet_lat, n=100) if len(fleet_lat) > 1 else [0.0] * 99
    return {
        "ops_per_s": round(ops_per_s, 1),
        "server_cpu_ops_per_s": round(4800 / server_cpu, 1) if server_cpu else None,
        "client_cpu_ops_per_s": round(4800 / client_cpu, 1),
        "throughput_errors": len(errors),
        "restore_10k_s": round(restore_s, 2),
        "restored": pulled,
        "devices": n_devices,
        "submissions": n_devices * max(1, per_device // 10) * 10,
        "fleet_s": round(fleet_s, 1),
        "errors": len(errors) + len(fleet_errors),
        "push_p50_ms": round(q[49] * 1000, 1),
        "push_p99_ms": round(q[98] * 1000, 1),
    }


def main() -> None:
    """Parse arguments, run, print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--per-device", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures = run(args.database_url, args.devices, args.per_device)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"Sync protocol — {figures['database']}, 1 uvicorn worker")
    print(f"  operations applied/s (batches of 100)   {figures['ops_per_s']}")
    print(
        f"    per CPU-second: server process {figures['server_cpu_ops_per_s']}, "
        f"client {figures['client_cpu_ops_per_s']}"
    )
    print(
        f"    in-process (no sockets): {figures['inproc_ops_per_s']} /s wall, "
        f"{figures['inproc_cpu_ops_per_s']} per CPU-second"
    )
    print(f"  restore {figures['restored']} reference records   {figures['restore_10k_s']} s")
    print(
        f"  {figures['devices']} devices × {args.per_device} submissions   "
        f"{figures['fleet_s']} s, errors {figures['errors']}"
    )
    print(
        f"  push latency p50 / p99               {figures['push_p50_ms']} / "
        f"{figures['push_p99_ms']} ms"
    )


if __name__ == "__main__":
    main()
