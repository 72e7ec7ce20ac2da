"""The `peelian` command: one Typer app with a group per domain."""

from __future__ import annotations

import sys

import typer

from peelian.cli import audit as audit_cli
from peelian.cli import bio as bio_cli
from peelian.cli import bio_enrol, bio_synth
from peelian.cli import db as db_cli
from peelian.cli import demo as demo_cli
from peelian.cli import device as device_cli
from peelian.cli import forms as forms_cli
from peelian.cli import notebook as notebook_cli
from peelian.cli import serve as serve_cli
from peelian.cli import users as users_cli
from peelian.cli._common import CliError, fail

__all__ = ["app", "main"]

app = typer.Typer(
    name="peelian",
    help="Peelian: connected frontline policing.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_cli.app, name="db")
app.add_typer(users_cli.app, name="users")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(demo_cli.app, name="demo")
bio_cli.app.command("synth")(bio_synth.synth)
bio_cli.app.command("enrol")(bio_enrol.enrol)
bio_cli.app.command("unenrol")(bio_enrol.unenrol)
app.add_typer(bio_cli.app, name="bio")
app.add_typer(device_cli.app, name="device")
app.add_typer(notebook_cli.app, name="notebook")
app.add_typer(forms_cli.app, name="forms")
serve_cli.register(app)


def main() -> None:
    """Entry point: run the app, turning known errors into a one-line message."""
    try:
        app()
    except CliError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        sys.exit(130)
