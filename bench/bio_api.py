"""End-to-end mobile fingerprint search through the API: p50/p95 latency with concurrent officers.

A real server process (``bench/_bio_server.py``: the production app, its gallery filled with
``--gallery`` synthetic fingers, two per records person) on a temporary SQLite database seeded
with a synthetic force. Ten officers (``--officers``), each with a registered device and a
device-bound token, send two-finger probes (native templates of fresh impressions, generated
directly as in ``bench/bio_1n.py``; no images, so extraction time is not included) to
``POST /api/v1/biometrics/searches`` as fast as answers come back. Mostly mated probes (the
person is enrolled) with one in five non-mated. Figures only; the target (issue 5) is p95 <=
2 s at 100,000 fingers with 10 concurrent officers.

``--mode ray`` runs the same with the gallery split over ``--shards`` Ray actors (local Ray
cluster started by the server, ``PEELIAN_BIO_GALLERY_SHARDS``); ``--mode both`` runs the
single-process server and then the Ray one and prints their figures side by side. The machine
is shared, so besides wall-clock latency it reports the server's CPU seconds per search (the
server process and its descendants, Ray workers included, read from ``/proc``) and the load
average before and after the timed phase.

    python bench/bio_api.py [--gallery 10000] [--searches 300] [--officers 10]
                            [--mode single|ray|both] [--shards 2] [--json]
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx2 as httpx
import numpy as np

from _server import free_port

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from _bio_server import FINGERS, masters, person_ids  # noqa: E402
from peelian.auth import devices as device_service  # noqa: E402
from peelian.auth import service as auth_service  # noqa: E402
from peelian.auth.models import Role  # noqa: E402
from peelian.auth.schemas import DeviceRegister, UserCreate  # noqa: E402
from peelian.auth.security import configure_password_hashing, encode_access_token  # noqa: E402
from peelian.biometrics import engine  # noqa: E402
from peelian.biometrics.engine import formats  # noqa: E402
from peelian.biometrics.gallery import synthetic as syn  # noqa: E402
from peelian.config import load_settings  # noqa: E402
from peelian.core.audit import Actor  # noqa: E402
from peelian.core.db.migrate import upgrade  # noqa: E402
from peelian.core.ids import uuid7  # noqa: E402
from peelian.main import build_state  # noqa: E402
from peelian.records.service.seed import seed_people  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
ACTOR = Actor.system("bench")
KEY = "A" * 43 + "="  # a valid base64 32-byte public key; devices never sign here
PY = sys.executable


def _env(tmp: Path, shards: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PEELIAN_BIO_GALLERY_SHARDS=str(shards),
        PEELIAN_SECRET_KEY=SECRET,
        PEELIAN_DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}",
        PEELIAN_VAR_DIR=str(tmp / "var"),
        PEELIAN_STORAGE_URL=f"file://{tmp / 'blobs'}",
        PEELIAN_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def seed(env: dict[str, str], people: int, officers: int) -> tuple[list[uuid.UUID], list[str]]:
    """Migrate, seed the force and the officers; returns person ids and device-bound tokens."""
    configure_password_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)
    settings = load_settings(
        secret_key=SECRET,
        database_url=env["PEELIAN_DATABASE_URL"],
        var_dir=Path(env["PEELIAN_VAR_DIR"]),
        storage_url=env["PEELIAN_STORAGE_URL"],
    )
    state = build_state(settings)
    upgrade(state.db.engine)
    with state.db.unit_of_work() as s:
        seed_people(s, actor=ACTOR, count=people, seed=1, commit_each=s.commit)
    key = hashlib.sha256(b"peelian-tokens:" + SECRET.encode()).digest()
    tokens = []
    with state.db.unit_of_work() as s:
        for i in range(officers):
            user, _ = auth_service.create_user(
                s,
                actor=ACTOR,
                user_in=UserCreate(username=f"pc-{i}", display_name="Bench", role=Role.OFFICER,
                                   password="bench-password-123", collar_number=str(i)),
            )  # fmt: skip
            device_id = uuid7()
            device_service.register_device(
                s, actor=ACTOR, user=user,
                device_in=DeviceRegister(id=device_id, name="bench", public_key=KEY),
            )  # fmt: skip
            tokens.append(
                encode_access_token(
                    key, user_id=user.id, role="officer", device_id=device_id, ttl_s=7200
                )
            )
    ids = person_ids(state, people)
    state.db.dispose()
    return ids, tokens


def inside(t: engine.Template) -> engine.Template:
    """The template without minutiae that the synthetic capture put outside the image."""
    keep = (t.x >= 0) & (t.x < t.width) & (t.y >= 0) & (t.y < t.height)
    return dataclasses.replace(
        t, x=t.x[keep], y=t.y[keep], angle=t.angle[keep], kind=t.kind[keep],
        quality=t.quality[keep],
    )  # fmt: skip


def probe(seed_: int, i: int, n: int) -> list[dict[str, object]]:
    """A two-finger probe of subject i (a fresh impression), as API finger items."""
    ms, _ = masters(seed_, i)
    rng = np.random.default_rng([seed_, i, n, 1])
    out: list[dict[str, object]] = []
    for f in FINGERS:
        template = inside(syn.impression(ms[f], rng, finger_position=f))
        data = base64.b64encode(formats.serialize(template)).decode()
        out.append({"position": f, "template_b64": data, "template_format": "native"})
    return out


def _body(i: int, n: int) -> dict[str, object]:
    return {"fingers": probe(1, i, n), "power": "pace-s61-6a", "reason": "name-unknown",
            "offence": "Theft", "location": {"lat": 52.9, "lon": -1.47}}  # fmt: skip


def _officer(
    url: str, token: str, jobs: list[tuple[int, bool, dict[str, object]]], ids: list[uuid.UUID],
    out: list[dict[str, Any]],
) -> None:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for i, mated, body in jobs:
            t0 = time.perf_counter()
            res = client.post("/api/v1/biometrics/searches", json=body)
            took = time.perf_counter() - t0
            row: dict[str, Any] = {"s": took, "status": res.status_code, "mated": mated}
            if res.status_code == 200:
                ans = res.json()
                row["outcome"] = ans["outcome"]
                row["server_ms"] = ans["elapsed_ms"]
                person = (ans.get("person") or {}).get("id")
                row["result"] = (
                    "identified-right" if mated and person == str(ids[i])
                    else "identified-wrong" if person
                    else "possible" if ans.get("review") else "no-trace"
                )  # fmt: skip
            out.append(row)


def _start(env: dict[str, str], gallery: int, timeout_s: float) -> tuple[subprocess.Popen, str]:  # type: ignore[type-arg]
    port = free_port()
    script = str(ROOT / "bench" / "_bio_server.py")
    server = subprocess.Popen(
        [PY, script, "--port", str(port), "--gallery", str(gallery)], env=env, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the bench server exited")
        try:
            if httpx.get(base + "/readyz").status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(1.0)
    server.terminate()
    raise RuntimeError("the bench server did not become ready")


_TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu_s(root: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants."""
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        pid = int(entry.name)
        parent[pid] = int(fields[1])
        ticks[pid] = int(fields[11]) + int(fields[12])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += ticks.get(pid, 0)
        todo.extend(child for child, ppid in parent.items() if ppid == pid)
    return total / _TICK


def run(gallery: int, searches: int, officers: int, shards: int = 0) -> dict[str, Any]:
    """Seed, start the server, drive it, return the figures (shards > 0: the Ray gallery)."""
    people = gallery // 2
    with tempfile.TemporaryDirectory() as tmpdir:
        env = _env(Path(tmpdir), shards)
        t0 = time.perf_counter()
        ids, tokens = seed(env, people, officers)
        seed_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        server, url = _start(env, gallery, timeout_s=3600)
        load_s = time.perf_counter() - t0
        try:
            # Probes are made before the clock starts, so the client's own work is not timed.
            rng = np.random.default_rng(7)
            subjects = [
                (int(rng.integers(0, people)), True) if k % 5 else (people + k, False)
                for k in range(searches)
            ]
            plan = [(i, mated, _body(i, n)) for n, (i, mated) in enumerate(subjects)]
            warm: list[dict[str, Any]] = []
            _officer(url, tokens[0], plan[:3], ids, warm)
            rows: list[dict[str, Any]] = []
            threads = [
                threading.Thread(
                    target=_officer, args=(url, tokens[o], plan[o::officers], ids, rows)
                )
                for o in range(officers)
            ]
            load_before = os.getloadavg()[0]
            cpu_before, own_before = _tree_cpu_s(server.pid), time.process_time()
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            cpu_s = _tree_cpu_s(server.pid) - cpu_before
            client_cpu_s = time.process_time() - own_before
            load_after = os.getloadavg()[0]
        finally:
            server.terminate()
            server.wait(timeout=60)
    lat = sorted(r["s"] for r in rows)
    q = statistics.quantiles(lat, n=100)
    server_ms = [r["server_ms"] for r in rows if "server_ms" in r]
    return {
        "gallery": gallery,
        "mode": f"ray ({shards} shards)" if shards else "single",
        "officers": officers,
        "searches": len(rows),
        "errors": sum(r["status"] != 200 for r in rows),
        "p50_s": round(q[49], 3),
        "p95_s": round(q[94], 3),
        "max_s": round(lat[-1], 3),
        "server_p50_ms": round(statistics.median(server_ms)) if server_ms else None,
        "server_p95_ms": round(statistics.quantiles(server_ms, n=20)[18])
        if len(server_ms) > 1
        else None,
        "searches_per_s": round(len(rows) / wall, 2),
        "server_cpu_s_per_search": round(cpu_s / max(len(rows), 1), 3),
        "client_cpu_s_per_search": round(client_cpu_s / max(len(rows), 1), 3),
        "outcomes": dict(Counter(r.get("outcome", "error") for r in rows)),
        "mated": dict(Counter(r.get("result", "error") for r in rows if r["mated"])),
        "non_mated": dict(Counter(r.get("result", "error") for r in rows if not r["mated"])),
        "seed_s": round(seed_s, 1),
        "gallery_load_s": round(load_s, 1),
        "templates": "synthetic, generated directly (no images)",
        "load_average": [round(load_before, 2), round(load_after, 2)],
    }


KEYS = (
    "mode", "searches", "errors", "p50_s", "p95_s", "max_s", "server_p50_ms", "server_p95_ms",
    "searches_per_s", "server_cpu_s_per_search", "client_cpu_s_per_search", "outcomes", "mated",
    "non_mated", "seed_s", "gallery_load_s", "load_average",
)  # fmt: skip


def main() -> None:
    """Parse arguments, run, print."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gallery", type=int, default=10_000, help="enrolled fingers (2 per person)")
    ap.add_argument("--searches", type=int, default=300)
    ap.add_argument("--officers", type=int, default=10)
    ap.add_argument("--mode", choices=("single", "ray", "both"), default="single")
    ap.add_argument("--shards", type=int, default=2, help="Ray actors in --mode ray")
    ap.add_argument("--json", action="store_true", help="print one JSON object (a list: both)")
    args = ap.parse_args()
    plan = {"single": [0], "ray": [args.shards], "both": [0, args.shards]}[args.mode]
    runs = [run(args.gallery, args.searches, args.officers, shards) for shards in plan]
    if args.json:
        print(json.dumps(runs[0] if len(runs) == 1 else runs))
        return
    print(
        f"Mobile search POST /api/v1/biometrics/searches — {args.gallery:,} fingers, "
        f"{args.officers} concurrent officers, 2-finger template probes, 1 uvicorn worker"
    )
    for key in KEYS:
        print(f"  {key:<24} " + "   ".join(f"{r[key]!s:<28}" for r in runs).rstrip())


if __name__ == "__main__":
    main()
