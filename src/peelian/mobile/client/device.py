"""The device: register and sign in, capture forms and notes offline, sync when it can."""

from __future__ import annotations

import base64
import hashlib
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from peelian.core.ids import uuid7
from peelian.mobile.client.api import Api, ProblemError
from peelian.mobile.client.store import DeviceStore
from peelian.mobile.sync.protocol import payload_sha256, verify_receipt

__all__ = ["DeviceClient", "ReceiptError", "SyncReport"]

Progress = Callable[[str, int, int | None], None]


class ReceiptError(Exception):
    """A receipt did not verify: the operation stays in the outbox."""


@dataclass
class SyncReport:
    """What one sync did."""

    pushed: int = 0
    held: list[str] = field(default_factory=list)
    uploaded: int = 0
    pulled: int = 0


def _now(skew_s: float = 0.0) -> str:
    return datetime.fromtimestamp(time.time() + skew_s, UTC).isoformat()


class DeviceClient:
    """One simulated (or real) officer device over its own store."""

    def __init__(self, store: DeviceStore, api: Api, *, clock_skew_s: float = 0.0) -> None:
        self.store = store
        self.api = api
        self.clock_skew_s = clock_skew_s  # tests skew the device clock
        self.api.token = store.get("access_token")

    # ----- identity -------------------------------------------------------------------
    @property
    def device_id(self) -> str:
        """This device's id."""
        value = self.store.get("device_id")
        if value is None:
            raise RuntimeError("this device is not registered: run `peelian device register`")
        return value

    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(self.store.get("key") or ""))

    def register(
        self,
        username: str,
        password: str,
        totp: str | None,
        *,
        name: str = "Peelian device",
    ) -> str:
        """Sign in, register a fresh key pair under a new id and sign in as it, in one step.

        The registration carries the device's signed proof, so the server answers with
        device-bound tokens: one authenticator code is enough.
        """
        key = Ed25519PrivateKey.generate()
        device_id = str(uuid7())
        res = self.api.call(
            "POST",
            "/api/v1/auth/token",
            auth=False,
            json={"username": username, "password": password, "totp": totp},
        )
        self.api.token = res.json()["access_token"]
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        body = {"id": device_id, "name": name, "public_key": base64.b64encode(public).decode()}
        body.update(self._proof(username, device_id, key))
        try:
            out = self.api.call("POST", "/api/v1/devices", json=body).json()
        except ProblemError as exc:
            if exc.status != 401 or "clock" not in str(exc) or self.store.get("clock_offset"):
                raise
            self._learn_clock()
            body.update(self._proof(username, device_id, key))
            out = self.api.call("POST", "/api/v1/devices", json=body).json()
        self.store.set(
            device_id=device_id,
            username=username,
            key=base64.b64encode(key.private_bytes_raw()).decode(),
        )
        self._signed_in(out["tokens"])
        return device_id

    def _proof(self, username: str, device_id: str, key: Ed25519PrivateKey) -> dict[str, Any]:
        """The device's signed sign-in proof at its (corrected) clock."""
        from peelian.auth.devices import device_proof_message

        offset = float(self.store.get("clock_offset", "0") or 0)
        ts = int(time.time() + self.clock_skew_s + offset)
        proof = key.sign(device_proof_message(username, uuid.UUID(device_id), ts))
        return {"device_timestamp": ts, "device_signature": base64.b64encode(proof).decode()}

    def login(self, password: str, totp: str | None) -> None:
        """Sign in with the device's signed proof; pin the server's receipt key."""
        username = self.store.get("username") or ""
        offset = float(self.store.get("clock_offset", "0") or 0)
        body = {"username": username, "password": password, "totp": totp}
        body.update(
            {"device_id": self.device_id, **self._proof(username, self.device_id, self._key())}
        )
        try:
            tokens = self.api.call("POST", "/api/v1/auth/token", json=body, auth=False).json()
        except ProblemError as exc:
            if exc.status != 401 or "clock" not in str(exc) or offset:
                raise
            self._learn_clock()
            return self.login(password, totp)
        self._signed_in(tokens)
        return None

    def _signed_in(self, tokens: dict[str, Any]) -> None:
        """Keep the device-bound tokens and pin the server's receipt key on first use."""
        self._tokens(tokens)
        info = self.api.call("GET", "/api/v1/mobile/sync/info").json()
        pinned = self.store.get("receipt_public_key")
        if pinned and pinned != info["receipt_public_key"]:
            raise ReceiptError("the server's receipt key changed; ask for the device to be checked")
        self.store.set(
            receipt_public_key=info["receipt_public_key"], max_chunk=info["max_chunk_bytes"]
        )

    def _learn_clock(self) -> None:
        """Measure how far this device's clock is from the server's (from the Date header)."""
        from email.utils import parsedate_to_datetime

        res = self.api.call("GET", "/healthz", auth=False)
        server = parsedate_to_datetime(res.headers["date"]).timestamp()
        self.store.set(clock_offset=round(server - (time.time() + self.clock_skew_s)) or 1)

    def _tokens(self, tokens: dict[str, Any]) -> None:
        self.api.token = tokens["access_token"]
        self.store.set(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"])

    def _refresh(self) -> None:
        res = self.api.call(
            "POST",
            "/api/v1/auth/refresh",
            auth=False,
            json={"refresh_token": self.store.get("refresh_token")},
        )
        self._tokens(res.json())

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        try:
            return self.api.call(method, path, **kw)
        except ProblemError as exc:
            if exc.action == "wipe":
                self.store.wipe()
                raise
            if (
                exc.status == 401
                and exc.type != "device-required"
                and self.store.get("refresh_token")
            ):
                self._refresh()
                return self.api.call(method, path, **kw)
            raise

    # ----- capture (offline) ----------------------------------------------------------
    def _enqueue(self, kind: str, payload: dict[str, Any]) -> str:
        op_id = str(uuid7())
        self.store.enqueue(op_id, kind, payload, _now(self.clock_skew_s))
        return op_id

    def submit(
        self,
        form_id: str,
        version: str,
        data: dict[str, Any],
        *,
        started_at: str | None = None,
        attachments: dict[str, Path] | None = None,
        replaces: str | None = None,
    ) -> str:
        """Finalise a form: keep its files and queue a submission.create."""
        declared = []
        for name, path in (attachments or {}).items():
            content = Path(path).read_bytes()
            sha = hashlib.sha256(content).hexdigest()
            kept = self.store.path.parent / "files" / sha
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, kept)
            with self.store.tx() as db:
                db.execute(
                    "INSERT OR IGNORE INTO files VALUES (?, ?, ?, 0)",
                    (sha, str(kept), len(content)),
                )
            declared.append(
                {
                    "name": name,
                    "sha256": sha,
                    "size": len(content),
                    "content_type": "application/octet-stream",
                }
            )
        submission_id = str(uuid7())
        payload = {
            "submission_id": submission_id,
            "form_id": form_id,
            "form_version": version,
            "data": data,
            "started_at": started_at or _now(self.clock_skew_s),
            "completed_at": _now(self.clock_skew_s),
            "attachments": declared,
        }
        if replaces:
            payload["replaces"] = replaces
        self._enqueue("submission.create", payload)
        return submission_id

    def note(self, text: str, *, amends: str | None = None, reason: str | None = None) -> str:
        """Write a pocket-notebook entry (or an amendment)."""
        number = int(self.store.get("notebook_number", "0") or 0) + 1
        self.store.set(notebook_number=number)
        entry_id = str(uuid7())
        payload: dict[str, Any] = {
            "entry_id": entry_id,
            "device_number": number,
            "device_time": _now(self.clock_skew_s),
            "text": text,
        }
        if amends:
            payload.update(amends=amends, reason=reason)
        self._enqueue("notebook.append", payload)
        return entry_id

    def save_draft(
        self, draft_id: str, form_id: str, base_version: int, data: dict[str, Any]
    ) -> str:
        """Queue a new version of a shared draft."""
        return self._enqueue(
            "draft.save",
            {"draft_id": draft_id, "form_id": form_id, "base_version": base_version, "data": data},
        )

    # ----- sync -----------------------------------------------------------------------
    def push(self, *, batch_size: int = 100, progress: Progress | None = None) -> SyncReport:
        """Send the outbox in batches until it is empty; refused ops are held, never lost."""
        report = SyncReport()
        while True:
            batch = self.store.in_flight() or self.store.assign(batch_size)
            if not batch:
                return report
            try:
                res = self._call("POST", "/api/v1/mobile/sync/push", json={"ops": batch[:500]})
            except ProblemError as exc:
                if exc.status in (413, 422) and exc.body.get("seq") is not None:
                    bad = next((o["id"] for o in batch if o["seq"] == exc.body["seq"]), None)
                    self.store.unassign(batch[0]["seq"], bad, str(exc))
                    report.held.append(str(exc))
                    continue
                raise
            receipts = res.json()["receipts"]
            self._verify(batch[: len(receipts)], receipts)
            self.store.acknowledge(receipts, {o["id"]: o["kind"] for o in batch})
            report.pushed += len(receipts)
            if progress:
                progress("push", report.pushed, None)

    def _verify(self, ops: list[dict[str, Any]], receipts: list[dict[str, Any]]) -> None:
        key = self.store.get("receipt_public_key") or ""
        for op, r in zip(ops, receipts, strict=True):
            same = (r["op_id"], r["seq"]) == (op["id"], op["seq"])
            if not same or r["payload_sha256"] != payload_sha256(op["payload"]):
                raise ReceiptError(f"the receipt for seq {op['seq']} is for another operation")
            if not verify_receipt(key, self.device_id, r):
                raise ReceiptError(f"the receipt for seq {op['seq']} is not signed by the server")

    def upload_files(self, *, progress: Progress | None = None) -> int:
        """Send waiting attachments in checksummed chunks, resuming where the server stopped."""
        pending = self.store.db.execute(
            "SELECT sha256, path, size FROM files WHERE uploaded = 0 ORDER BY sha256"
        ).fetchall()
        chunk_size = int(self.store.get("max_chunk", str(256 * 1024)) or 0)
        done = 0
        for sha, path, size in pending:
            if self.store.db.execute(
                "SELECT count(*) FROM outbox WHERE payload LIKE ?", (f"%{sha}%",)
            ).fetchone()[0]:
                continue  # its submission has no receipt yet: the server would not know it
            head = self._call("HEAD", f"/api/v1/mobile/uploads/{sha}")
            offset = int(head.headers["Upload-Offset"])
            with open(path, "rb") as fp:
                while offset < size:
                    fp.seek(offset)
                    chunk = fp.read(chunk_size)
                    digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode()
                    res = self._call(
                        "PATCH",
                        f"/api/v1/mobile/uploads/{sha}",
                        content=chunk,
                        headers={
                            "Upload-Offset": str(offset),
                            "Upload-Checksum": f"sha256 {digest}",
                            "Content-Type": "application/offset+octet-stream",
                        },
                    )
                    offset = int(res.headers["Upload-Offset"])
                    if progress:
                        progress("upload", offset, size)
            with self.store.tx() as db:
                db.execute("UPDATE files SET uploaded = 1 WHERE sha256 = ?", (sha,))
            Path(path).unlink(missing_ok=True)
            done += 1
        return done

    def pull(self, *, limit: int = 1000, progress: Progress | None = None) -> int:
        """Fetch changes for this device's buckets until complete; each page lands whole."""
        total = 0
        while True:
            res = self._call(
                "POST",
                "/api/v1/mobile/sync/pull",
                json={"cursors": self.store.cursors(), "limit": limit},
            ).json()
            self.store.apply_changes(res["changes"], res["cursors"], res["buckets"])
            total += len(res["changes"])
            if progress:
                progress("pull", total, None)
            if res["complete"]:
                return total

    def sync(self, *, progress: Progress | None = None) -> SyncReport:
        """Push, upload, then pull."""
        report = self.push(progress=progress)
        report.uploaded = self.upload_files(progress=progress)
        report.pulled = self.pull(progress=progress)
        return report

    def status(self) -> dict[str, Any]:
        """Counts and identity, for `peelian device status`."""
        return {
            "device_id": self.store.get("device_id"),
            "username": self.store.get("username"),
            **self.store.counts(),
            "buckets": len(self.store.cursors()),
        }
