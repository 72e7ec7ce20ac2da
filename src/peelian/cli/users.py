"""`peelian users create|list|disable|totp`."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from peelian.auth import repository, service
from peelian.auth.models import Role
from peelian.auth.schemas import UserCreate
from peelian.auth.security import totp_now
from peelian.cli._common import console, fail, load_state
from peelian.core.audit import Actor
from peelian.core.errors import PeelianError

app = typer.Typer(help="User accounts.", no_args_is_help=True)
CLI_ACTOR = Actor.system("cli")


@app.command()
def create(
    username: str,
    role: Annotated[Role, typer.Option(help="The user's role")],
    display_name: Annotated[str, typer.Option("--name", help="Full name")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    collar_number: Annotated[str | None, typer.Option(help="Officers: collar number")] = None,
    force: Annotated[str | None, typer.Option()] = None,
    team: Annotated[str | None, typer.Option()] = None,
    email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a user; staff get a TOTP secret, printed once."""
    state = load_state()
    try:
        user_in = UserCreate(
            username=username,
            display_name=display_name,
            role=role,
            password=password,
            collar_number=collar_number,
            force=force,
            team=team,
            email=email,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        fail(f"{err['loc'][0] if err['loc'] else 'input'}: {err['msg']}")
    try:
        with state.db.unit_of_work() as session:
            user, secret = service.create_user(session, actor=CLI_ACTOR, user_in=user_in)
            uri = service.totp_uri(user, secret) if secret else None
    except PeelianError as exc:
        fail(exc.detail)
    console.print(f"created {user.username} ({user.role.label}) id {user.id}")
    if secret:
        console.print(f"TOTP secret (shown once): {secret}\n{uri}")


@app.command("list")
def list_(role: Annotated[Role | None, typer.Option()] = None) -> None:
    """List users."""
    state = load_state()
    with state.db.unit_of_work() as session:
        users = service.list_users(session, actor=CLI_ACTOR, role=role, limit=10_000)
        table = Table("username", "name", "role", "collar", "team", "active", "MFA")
        for u in users:
            table.add_row(
                u.username,
                u.display_name,
                u.role.label,
                u.collar_number or "",
                u.team or "",
                "yes" if u.is_active else "no",
                "yes" if u.mfa_enabled else "no",
            )
    console.print(table)


@app.command()
def disable(username: str) -> None:
    """Disable a user and revoke their tokens and sessions."""
    state = load_state()
    try:
        with state.db.unit_of_work() as session:
            user = repository.find_user_by_username(session, username)
            if user is None:
                fail(f"no user called {username!r}")
            service.disable_user(session, actor=CLI_ACTOR, user_id=user.id)
    except PeelianError as exc:
        fail(exc.detail)
    console.print(f"disabled {username}")


@app.command()
def totp(username: str) -> None:
    """Print a demo user's current authenticator code (refused in production)."""
    state = load_state()
    if state.settings.env == "production":
        fail("`users totp` is a demo helper and is refused when PEELIAN_ENV=production")
    with state.db.unit_of_work() as session:
        user = repository.find_user_by_username(session, username)
        if user is None or user.mfa_secret is None:
            fail(f"{username!r} has no authenticator set up")
        console.print(totp_now(user.mfa_secret))
