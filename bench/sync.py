"""Sync protocol figures against a real server process (uvicorn; 1 worker on SQLite, 2 on PG).

1. ops/s applied: 8 devices at once push 15 batches of 100 submission/notebook operations each,
   from pre-encoded bodies over kept-alive connections; the median of 3 such rounds. The rate
   counts only operations the server's database holds as applied with their records, and whose
   receipts verify. Beside it: the server processes' CPU per batch, the PostgreSQL processes'
   CPU, the client's CPU, how busy the whole machine was and its load average, and the rate of
   the same pushes made in-process (the app called directly, no sockets) in wall and CPU time:
   on a shared machine CPU figures move less with other load than wall-clock ones.
2. restore: a fresh device pulls 10,000 team briefings (reference records) to its own store.
3. fleet: N simulated devices each push M submissions (batches of 10); p50/p99 push latency.

Seeding (users, devices, briefings) is done in-process on the database for speed
(`_sync_seed.py`); device tokens are minted with the server's token key, as the server would
after a device sign-in.

    python bench/sync.py [--database-url URL] [--devices 1000] [--per-device 50]
                         [--server-workers N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from _load import (
    DeviceLoad,
    machine_busy_s,
    named_cpu_s,
    push_concurrently,
    server_pid,
    tree_cpu_s,
)
from _server import running_server
from _sync_seed import SECRET, Seeder, ops

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from peelian.config import Settings  # noqa: E402
from peelian.main import create_app  # noqa: E402
from peelian.mobile.client import Api, DeviceClient, DeviceStore  # noqa: E402
from peelian.mobile.models import (  # noqa: E402
    NotebookEntry,
    Submission,
    SyncOperation,
)
from peelian.mobile.sync.protocol import verify_receipt  # noqa: E402


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
            batch = ops(seq, size)
            t0 = time.perf_counter()
            res = c.post("/api/v1/mobile/sync/push", json={"ops": batch})
            lat.append(time.perf_counter() - t0)
            if res.status_code != 200:
                errors.append(f"{res.status_code} {res.text[:120]}")
                return
            seq += size


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
    bodies = [json.dumps({"ops": ops(1 + i * 100, 100)}).encode() for i in range(batches + 1)]
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


def run(
    database_url: str | None, n_devices: int, per_device: int, workers: int | None = None
) -> dict[str, Any]:
    """Run the three measurements."""
    pg = database_url is not None
    workers = workers or (2 if pg else 1)
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
            with running_server(env, ready_timeout_s=60.0, workers=workers) as base:
                rounds = [_throughput(seeder, base) for _ in range(THROUGHPUT_ROUNDS)]
                # The median round, with every round's rate beside it: other work on a shared
                # machine comes and goes within seconds.
                rates = [r["ops_per_s"] for r in rounds]
                figures = sorted(rounds, key=lambda r: r["ops_per_s"])[len(rounds) // 2]
                figures["ops_per_s_rounds"] = rates
                figures.update(_restore_and_fleet(seeder, base, tmp, n_devices, per_device))
            figures.update(_in_process(seeder, env, batches=12))
        finally:
            seeder.db.dispose()
    figures["errors"] = figures["throughput_errors"] + figures["fleet_errors"]
    figures["database"] = "postgresql" if pg else "sqlite"
    figures["server_workers"] = workers
    return figures


THROUGHPUT_ROUNDS = 3
THROUGHPUT_DEVICES = 8
THROUGHPUT_BATCHES = 15


def _throughput(seeder: Seeder, base: str) -> dict[str, Any]:
    """Devices push batches of 100 at once; counted from receipts and the server's database."""
    for _, token in seeder.devices(8, "Warm-up"):  # every worker compiles the forms once
        _push_all(base, token, 2, 10, [], [])
    loads = [
        DeviceLoad(
            device_id,
            token,
            [
                json.dumps({"ops": ops(1 + b * 100, 100)}).encode()
                for b in range(THROUGHPUT_BATCHES)
            ],
        )
        for device_id, token in seeder.devices(THROUGHPUT_DEVICES, "Throughput")
    ]
    pid = server_pid(int(base.rsplit(":", 1)[1]))
    load_before = os.getloadavg()[0]
    server0 = tree_cpu_s(pid) if pid else None
    db0, machine0, client0 = named_cpu_s("postgres"), machine_busy_s(), time.process_time()
    wall = push_concurrently(base, loads)
    client_cpu = time.process_time() - client0
    machine1, db_cpu = machine_busy_s(), named_cpu_s("postgres") - db0
    server_cpu = tree_cpu_s(pid) - server0 if pid and server0 is not None else None
    load_after = os.getloadavg()[0]
    sent = THROUGHPUT_DEVICES * THROUGHPUT_BATCHES * 100
    checked = _check_receipts(base, loads)
    stored = _stored_ops(seeder, [load.device_id for load in loads])
    errors = [e for load in loads for e in load.errors]
    busy = (machine1[0] - machine0[0]) / max(1e-9, machine1[1] - machine0[1])
    return {
        # Only what the server's database holds counts: receipts alone could be replayed.
        "ops_per_s": round(min(stored, checked) / wall, 1),
        "ops_sent": sent,
        "ops_receipted_valid": checked,
        "ops_in_database": stored,
        "throughput_wall_s": round(wall, 2),
        "server_cpu_ops_per_s": round(stored / server_cpu, 1) if server_cpu else None,
        "server_cpu_ms_per_batch": round(server_cpu / (stored / 100) * 1000, 2)
        if server_cpu and stored
        else None,
        "db_cpu_s": round(db_cpu, 2),
        "client_cpu_ops_per_s": round(sent / client_cpu, 1) if client_cpu else None,
        "machine_cpu_busy_pct": round(busy * 100, 1),
        "load_avg_1m": [round(load_before, 2), round(load_after, 2)],
        "throughput_errors": len(errors),
    }


def _check_receipts(base: str, loads: list[DeviceLoad]) -> int:
    """How many receipts are valid signatures of this server for their device, status applied."""
    token = loads[0].token
    info = httpx.get(
        base + "/api/v1/mobile/sync/info", headers={"Authorization": f"Bearer {token}"}
    )
    key = info.json()["receipt_public_key"]
    return sum(
        1
        for load in loads
        for answer in load.answers
        for receipt in answer["receipts"]
        if receipt["status"] == "applied" and verify_receipt(key, load.device_id, receipt)
    )


def _stored_ops(seeder: Seeder, device_ids: list[str]) -> int:
    """Operations of these devices the database holds as applied, with their records."""
    ids = [uuid.UUID(d) for d in device_ids]
    with seeder.db.unit_of_work() as s:
        ops = s.scalar(
            select(func.count())
            .select_from(SyncOperation)
            .where(SyncOperation.device_id.in_(ids), SyncOperation.status == "applied")
        )
        subs = s.scalar(
            select(func.count()).select_from(Submission).where(Submission.device_id.in_(ids))
        )
        notes = s.scalar(
            select(func.count()).select_from(NotebookEntry).where(NotebookEntry.device_id.in_(ids))
        )
    return min(int(ops or 0), int(subs or 0) + int(notes or 0))


def _restore_and_fleet(
    seeder: Seeder, base: str, tmp: Path, n_devices: int, per_device: int
) -> dict[str, Any]:
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
        "restore_10k_s": round(restore_s, 2),
        "restored": pulled,
        "devices": n_devices,
        "submissions": n_devices * max(1, per_device // 10) * 10,
        "fleet_s": round(fleet_s, 1),
        "fleet_errors": len(fleet_errors),
        "push_p50_ms": round(q[49] * 1000, 1),
        "push_p99_ms": round(q[98] * 1000, 1),
    }


def main() -> None:
    """Parse arguments, run, print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--per-device", type=int, default=50)
    parser.add_argument(
        "--server-workers",
        type=int,
        default=None,
        help="uvicorn worker processes (default: 1 on SQLite, whose writers queue in one "
        "process; 2 on PostgreSQL, one per core)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures = run(args.database_url, args.devices, args.per_device, args.server_workers)
    if args.json:
        print(json.dumps(figures))
        return
    f = figures
    print(
        f"Sync protocol — {f['database']}, {f['server_workers']} uvicorn worker(s), "
        f"{os.cpu_count()} cores"
    )
    print(
        f"  operations applied/s (batches of 100)   {f['ops_per_s']}  "
        f"({f['ops_in_database']} in the database, {f['ops_receipted_valid']} valid receipts, "
        f"{f['throughput_wall_s']} s; median of rounds {f['ops_per_s_rounds']})"
    )
    db_cpu = f", PostgreSQL processes {f['db_cpu_s']} s" if f["database"] == "postgresql" else ""
    print(
        f"    CPU: server {f['server_cpu_ms_per_batch']} ms per batch "
        f"({f['server_cpu_ops_per_s']} ops per server CPU-second){db_cpu}, "
        f"client {f['client_cpu_ops_per_s']} ops per CPU-second"
    )
    print(
        f"    machine: {f['machine_cpu_busy_pct']} % of all cores busy; load average (1 min) "
        f"{f['load_avg_1m'][0]} before, {f['load_avg_1m'][1]} after"
    )
    print(
        f"    in-process (no sockets): {f['inproc_ops_per_s']} /s wall, "
        f"{f['inproc_cpu_ops_per_s']} per CPU-second"
    )
    print(f"  restore {f['restored']} reference records   {f['restore_10k_s']} s")
    print(
        f"  {f['devices']} devices × {args.per_device} submissions   "
        f"{f['fleet_s']} s, errors {f['errors']}"
    )
    print(f"  push latency p50 / p99               {f['push_p50_ms']} / {f['push_p99_ms']} ms")


if __name__ == "__main__":
    main()
