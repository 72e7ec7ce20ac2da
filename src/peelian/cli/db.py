"""`peelian db upgrade|downgrade|current`."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from peelian.cli._common import console, fail, settings_or_fail
from peelian.core.db import create_database
from peelian.core.db import migrate as migrations

app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


def _database_engine() -> Engine:
    settings = settings_or_fail()
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    return create_database(settings.sqlalchemy_url).engine


@app.command()
def upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Migrate the database up (to the newest revision by default)."""
    engine = _database_engine()
    try:
        migrations.upgrade(engine, revision)
    except OperationalError as exc:
        fail(f"cannot reach the database: {exc.orig}")
    console.print(f"database at revision {migrations.current_revision(engine)}")


@app.command()
def downgrade(revision: Annotated[str, typer.Argument(help="Target revision, or 'base'")]) -> None:
    """Migrate the database down to a revision."""
    engine = _database_engine()
    migrations.downgrade(engine, revision)
    console.print(f"database at revision {migrations.current_revision(engine) or 'base (empty)'}")


@app.command()
def current() -> None:
    """Show the database's revision and the newest one available."""
    engine = _database_engine()
    try:
        rev = migrations.current_revision(engine)
    except OperationalError as exc:
        fail(f"cannot reach the database: {exc.orig}")
    head = migrations.head_revision()
    state = "up to date" if rev == head else f"behind (newest is {head}); run `peelian db upgrade`"
    console.print(f"database at revision {rev or 'base (empty)'}: {state}")
