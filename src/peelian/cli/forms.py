"""`peelian forms publish|list`: XLSForm definitions for devices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peelian.cli._common import console, fail, load_state
from peelian.core.audit import Actor
from peelian.core.errors import PeelianError
from peelian.mobile.forms import service

app = typer.Typer(help="Form definitions (XLSForm).", no_args_is_help=True)
ACTOR = Actor.system("cli")


@app.command()
def publish(
    file: Annotated[Path | None, typer.Argument(help="An XLSForm .xlsx")] = None,
    builtin: Annotated[bool, typer.Option(help="Publish the shipped forms")] = False,
    kind: Annotated[str | None, typer.Option(help="Form kind, if not from the form id")] = None,
) -> None:
    """Publish an XLSForm (or the built-in forms) as new versions."""
    if file is None and not builtin:
        fail("give an XLSForm file or --builtin")
    state = load_state()
    try:
        with state.db.unit_of_work() as session:
            if builtin:
                made = service.publish_builtin(session, actor=ACTOR, blob_store=state.blob_store)
            else:
                assert file is not None
                made = [
                    service.publish(
                        session,
                        actor=ACTOR,
                        content=file.read_bytes(),
                        kind=kind,
                        blob_store=state.blob_store,
                    )
                ]
            names = [f"{v.form_id} {v.version}" for v in made]
    except PeelianError as exc:
        fail(exc.detail + "".join(f"\n  {e.message}" for e in exc.errors[1:]))
    console.print("published: " + (", ".join(names) or "nothing new"))


@app.command("list")
def list_forms() -> None:
    """Published form versions."""
    state = load_state()
    with state.db.unit_of_work() as session:
        for v in service.list_versions(session, live_only=False):
            console.print(f"{v.form_id:<16} {v.version:<14} {v.kind:<15} {v.status.value}")
