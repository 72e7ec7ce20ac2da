"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when PEELIAN_TEST_DATABASE_URL
is set), a per-test transaction rolled back at the end, and the app wired to it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from peelian.auth.security import configure_password_hashing
from peelian.config import Settings, load_settings
from peelian.core.audit import AuditSigner
from peelian.core.db import Database, create_database
from peelian.core.db.migrate import upgrade
from peelian.main import create_app
from peelian.web.state import AppState

TEST_SECRET = "test-secret-key-for-peelian-tests-only-0123456789"
PG_ENV = "PEELIAN_TEST_DATABASE_URL"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that touch the database carry the `db` marker; the PostgreSQL half runs only those."""
    for item in items:
        if {"db_session", "migrated_db", "client", "app_state", "fresh_db"} & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> None:
    # argon2id at production cost takes ~100 ms a hash; tests create many users.
    configure_password_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)


def _pg_url_with_schema(base: str, schema: str) -> str:
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = base.replace("postgresql://", "postgresql+psycopg://", 1)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def _drop_pg_schema(base: str, schema: str) -> None:
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A factory of empty databases of the kind under test (each a new file or schema)."""
    base = os.environ.get(PG_ENV)
    made: list[str] = []

    def make(name: str) -> str:
        if base:
            schema = f"peelian_t_{os.getpid()}_{name}"
            made.append(schema)
            return _pg_url_with_schema(base, schema)
        return f"sqlite:///{tmp_path_factory.mktemp(name) / 'peelian.db'}"

    yield make
    for schema in made:
        _drop_pg_schema(base or "", schema)


@pytest.fixture(scope="session")
def migrated_db(fresh_database_url: object) -> Iterator[Database]:
    """The session's database, built by running every migration."""
    url = fresh_database_url("main")  # type: ignore[operator]
    db = create_database(url)
    upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def db_connection(migrated_db: Database) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    conn = migrated_db.engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture
def db_session(db_connection: Connection) -> Iterator[Session]:
    """A session whose commits only release savepoints of the test's transaction."""
    session = Session(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield session
    session.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for the app under test."""
    return load_settings(
        secret_key=TEST_SECRET,
        env="test",
        var_dir=tmp_path / "var",
        storage_url=f"file://{tmp_path / 'blobs'}",
        max_body_bytes=65536,
    )


@pytest.fixture(scope="session")
def signer() -> AuditSigner:
    """A throwaway checkpoint-signing key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return AuditSigner(Ed25519PrivateKey.generate())


@pytest.fixture
def app_state(
    settings: Settings, migrated_db: Database, db_connection: Connection, signer: AuditSigner
) -> AppState:
    """App state whose sessions join the test's rolled-back transaction."""
    factory = sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    db = Database(engine=migrated_db.engine, sessionmaker=factory)
    return AppState(settings=settings, db=db, signer=signer, token_key=b"k" * 32)


@pytest.fixture
def app(settings: Settings, app_state: AppState) -> FastAPI:
    """The app under test."""
    return create_app(settings, state=app_state)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client for the app (no server process)."""
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def unique() -> str:
    """A short unique suffix."""
    return uuid.uuid4().hex[:8]
