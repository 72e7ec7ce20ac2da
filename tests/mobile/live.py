"""A real Peelian server process (uvicorn, SQLite or PostgreSQL) and a proxy that loses replies.

The proxy forwards bytes both ways. Armed with `drop_replies`, it lets the request through but
closes the connection as the reply starts, so the server has applied the request and the device
never learns it; armed with `cut_requests`, it forwards half the request and hangs up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pyotp
from sqlalchemy.orm import Session

from peelian.auth import service as auth_service
from peelian.auth.models import Role
from peelian.auth.schemas import UserCreate
from peelian.core.audit import Actor
from peelian.core.db import create_database
from peelian.core.db.migrate import upgrade
from peelian.mobile.forms import service as forms

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn on a SQLite file (or a given database); kill -9 and restart on the same port."""

    def __init__(self, tmp: Path, database_url: str | None = None) -> None:
        self.tmp = tmp
        self.db_path = tmp / "live.db"
        url = database_url or f"sqlite:///{self.db_path}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        self.env.update(
            PEELIAN_SECRET_KEY="live-test-secret-key-0123456789-abcdefghij",
            PEELIAN_DATABASE_URL=url,
            PEELIAN_VAR_DIR=str(tmp / "var"),
            PEELIAN_STORAGE_URL=f"file://{tmp / 'blobs'}",
            PEELIAN_LOG_LEVEL="WARNING",
            PEELIAN_MAX_BODY_BYTES="262144",
            PEELIAN_MOBILE_MAX_ATTACHMENT_BYTES="2000000",
            PYTHONPATH=str(ROOT / "src"),
        )
        self.proc: subprocess.Popen[bytes] | None = None
        db = create_database(url)
        upgrade(db.engine)
        with db.unit_of_work() as session:
            forms.publish_builtin(session, actor=Actor.system("test"))
        self.db = db

    def make_officer(
        self, username: str, role: Role = Role.OFFICER, team: str = "Response A"
    ) -> str:
        """Create a user directly in the database; returns the TOTP secret."""
        with self.db.unit_of_work() as session:
            _, secret = auth_service.create_user(
                session,
                actor=Actor.system("test"),
                user_in=UserCreate(
                    username=username,
                    display_name="Live Officer",
                    role=role,
                    password=PASSWORD,
                    collar_number="4321",
                    team=team,
                ),
            )
        assert secret
        return secret

    def session(self) -> Session:
        """A read session on the server's database."""
        return self.db.sessionmaker()

    def start(self) -> None:
        """Start uvicorn and wait until it answers."""
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "peelian.asgi:app",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=self.env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def kill9(self) -> None:
        """SIGKILL: no shutdown, no flush beyond what SQLite committed."""
        if self.proc is not None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        """Stop cleanly."""
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None
        self.db.dispose()


def code_now(secret: str) -> str:
    """The authenticator code of this 30-second step."""
    return pyotp.TOTP(secret).now()


class Proxy:
    """A TCP proxy in front of the server that can lose a reply or cut a request."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.drop_replies = 0
        self.cut_requests = 0
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", self.port))
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        """Stop accepting."""
        self._stop = True
        self._sock.close()

    def _take(self, name: str) -> bool:
        with self._lock:
            if getattr(self, name) > 0:
                setattr(self, name, getattr(self, name) - 1)
                return True
            return False

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
        except OSError:
            client.close()
            return
        threading.Thread(target=self._down, args=(upstream, client), daemon=True).start()
        try:
            while data := client.recv(65536):
                if self._take("cut_requests"):
                    upstream.sendall(data[: len(data) // 2])
                    break
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            _close(upstream, client)

    def _down(self, upstream: socket.socket, client: socket.socket) -> None:
        try:
            while data := upstream.recv(65536):
                if self._take("drop_replies"):
                    break  # the server answered (and committed); the device never hears it
                client.sendall(data)
        except OSError:
            pass
        finally:
            _close(upstream, client)


def _close(*socks: socket.socket) -> None:
    for s in socks:
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        s.close()
