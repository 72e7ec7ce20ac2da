"""Seeding and operations for the sync benchmark: officers with devices, briefings, batches.

Seeding is done in-process on the database for speed; device tokens are minted with the
server's token key, as the server would after a device sign-in.
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from peelian.auth import devices as device_service  # noqa: E402
from peelian.auth import service as auth_service  # noqa: E402
from peelian.auth.models import Role  # noqa: E402
from peelian.auth.schemas import DeviceRegister, UserCreate  # noqa: E402
from peelian.auth.security import configure_password_hashing, encode_access_token  # noqa: E402
from peelian.core.audit import Actor  # noqa: E402
from peelian.core.db import create_database  # noqa: E402
from peelian.core.db.migrate import upgrade  # noqa: E402
from peelian.core.ids import uuid7  # noqa: E402
from peelian.mobile.forms import service as forms  # noqa: E402
from peelian.mobile.models import Briefing  # noqa: E402
from peelian.mobile.sync.changes import ChangeIn, publish_changes, team_bucket  # noqa: E402

__all__ = ["SECRET", "Seeder", "ops"]

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


def ops(start_seq: int, count: int) -> list[dict[str, Any]]:
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
