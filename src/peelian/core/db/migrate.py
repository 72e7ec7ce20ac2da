"""Run Alembic from code: the CLI's `peelian db ...` and the test fixtures use this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

__all__ = ["alembic_config", "current_revision", "downgrade", "head_revision", "upgrade"]

PROJECT_ROOT = Path(__file__).resolve().parents[4]


def alembic_config(*, url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the project's migrations."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to a revision."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(connection=conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to a revision ('base' empties it)."""
    with engine.begin() as conn:
        command.downgrade(alembic_config(connection=conn), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when never migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision in the migrations folder."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
