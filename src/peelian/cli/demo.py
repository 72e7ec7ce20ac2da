"""`peelian demo setup`: a demo force with a user in every role, logins printed."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from peelian.auth import repository, service
from peelian.auth.models import Role
from peelian.auth.schemas import UserCreate
from peelian.cli import demo_bio
from peelian.cli._common import console, fail, load_state
from peelian.core.audit import Actor
from peelian.records.service import seed as records_seed
from peelian.web.state import AppState

app = typer.Typer(help="Demo force: users and synthetic data.", no_args_is_help=True)
FORCE = "Peelian Demo Constabulary"
DEMO_PEOPLE = 2000
DEMO_PRINTED = 16  # people enrolled from rendered synthetic prints (about 1.5 s each)
DEMO_TEMPLATED = 300  # people enrolled with directly drawn templates (milliseconds each)

DEMO_USERS: list[dict[str, Any]] = [
    {
        "username": "officer",
        "display_name": "PC Olivia Okafor",
        "role": Role.OFFICER,
        "collar_number": "4127",
        "team": "Response A",
    },
    {
        "username": "officer2",
        "display_name": "PC Tom Hughes",
        "role": Role.OFFICER,
        "collar_number": "5310",
        "team": "Response B",
    },
    {
        "username": "supervisor",
        "display_name": "Sgt Sam Patel",
        "role": Role.SUPERVISOR,
        "collar_number": "1904",
        "team": "Response A",
    },
    {"username": "handler", "display_name": "Chris Lewis", "role": Role.CONTACT_HANDLER},
    {
        "username": "investigator",
        "display_name": "DC Ife Adeyemi",
        "role": Role.INVESTIGATOR,
        "collar_number": "7731",
        "team": "CID",
    },
    {"username": "examiner", "display_name": "Morgan Reid", "role": Role.FINGERPRINT_EXAMINER},
    {"username": "auditor", "display_name": "Alex Byrne", "role": Role.AUDITOR},
    {"username": "admin", "display_name": "Jordan Blake", "role": Role.ADMINISTRATOR},
    {"username": "prosecutor", "display_name": "Priya Shah (CPS)", "role": Role.PROSECUTOR},
    {"username": "defence", "display_name": "Daniel Cole (Defence)", "role": Role.DEFENCE},
    {"username": "citizen", "display_name": "Casey Morgan", "role": Role.CITIZEN},
]


def _logins_file(var_dir: Path) -> Path:
    return var_dir / "demo_logins.json"


@app.command()
def setup(
    show: Annotated[bool, typer.Option(help="Print the logins table")] = True,
    people: Annotated[int, typer.Option(min=0, help="Synthetic people to seed once")] = DEMO_PEOPLE,
    fingerprints: Annotated[
        int, typer.Option(min=0, help="People enrolled from rendered prints (0: no biometrics)")
    ] = DEMO_PRINTED,
    fingerprint_templates: Annotated[
        int, typer.Option(min=0, help="More people enrolled with directly drawn templates")
    ] = DEMO_TEMPLATED,
) -> None:
    """Create the demo users, a modest synthetic force and its fingerprints (once); print logins."""
    state = load_state()
    with state.db.sessionmaker() as session:
        empty = records_seed.people_count(session) == 0
    if people and empty:
        _seed(state, people, 1)
    if fingerprints:
        demo_bio.enrol_demo_population(
            state, image_people=fingerprints, template_people=fingerprint_templates
        )
    path = _logins_file(state.settings.var_dir)
    logins: dict[str, dict[str, str | None]] = json.loads(path.read_text()) if path.exists() else {}
    actor = Actor.system("demo")
    with state.db.unit_of_work() as session:
        for spec in DEMO_USERS:
            if repository.find_user_by_username(session, spec["username"]) is not None:
                continue
            password = f"demo-{spec['username']}-{secrets.token_hex(3)}"
            user_in = UserCreate(password=password, force=FORCE, **spec)
            user, secret = service.create_user(session, actor=actor, user_in=user_in)
            logins[user.username] = {"password": password, "totp_secret": secret}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(logins, indent=2))
    path.chmod(0o600)
    if show:
        print_logins(state.settings.var_dir)


def print_logins(var_dir: Path) -> None:
    """Print the demo logins table."""
    path = _logins_file(var_dir)
    if not path.exists():
        fail("no demo logins yet: run `peelian demo setup`")
    logins = json.loads(path.read_text())
    table = Table("username", "role", "password", "MFA", title="Demo logins")
    roles = {u["username"]: u["role"].label for u in DEMO_USERS}
    for name, item in logins.items():
        mfa = "TOTP" if item.get("totp_secret") else "none"
        table.add_row(name, roles.get(name, "?"), item["password"], mfa)
    # Never truncate a password: print at full width even when stdout is not a terminal.
    Console(width=max(console.width, 100)).print(table)
    demo_bio.print_probes(var_dir)
    console.print(
        "Staff accounts need a six-digit code: run [bold].venv/bin/peelian users totp "
        "USERNAME[/] for the current one (or add the secret from var/demo_logins.json "
        "to an authenticator app)."
    )


def _seed(state: AppState, people: int, seed: int) -> None:
    columns = (TextColumn("Seeding people"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("seed", total=people)
        with state.db.unit_of_work() as session:
            report = records_seed.seed_people(
                session,
                actor=Actor.system("demo"),
                count=people,
                seed=seed,
                progress=lambda n: progress.advance(task, n),
                commit_each=session.commit,
            )
    console.print(
        f"Seeded {report.people:,} people, {report.flags:,} warnings and statuses, "
        f"{report.incidents:,} incidents (seed {seed})."
    )


@app.command()
def seed(
    people: Annotated[int, typer.Option(min=1, max=5_000_000, help="How many people")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same people")] = 1,
) -> None:
    """Seed a deterministic synthetic force: people, warnings, warrants, bail and incidents."""
    _seed(load_state(), people, seed)


@app.command()
def logins() -> None:
    """Print the demo logins again."""
    state = load_state()
    print_logins(state.settings.var_dir)
