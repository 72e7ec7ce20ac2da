"""`peelian notebook export|verify`: court exports of the pocket notebook with a hash manifest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from peelian.cli._common import console, fail, load_state
from peelian.core.audit import Actor
from peelian.core.errors import PeelianError
from peelian.mobile.notebook import service
from peelian.mobile.notebook.export import ExportError, render_pdf, verify_pdf

app = typer.Typer(help="The digital pocket notebook.", no_args_is_help=True)


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        fail(f"{text!r} is not a date (YYYY-MM-DD)")


@app.command()
def export(
    officer: Annotated[str, typer.Option(help="The officer's username")],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (UTC)")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (UTC), inclusive")],
    out: Annotated[Path, typer.Option(help="The PDF to write")],
) -> None:
    """Export a date range as a PDF for court, with an embedded hash manifest."""
    state = load_state()
    first, last = _day(start), _day(end) + timedelta(days=1)
    try:
        with state.db.unit_of_work() as session:
            manifest = service.export_manifest(
                session, actor=Actor.system("cli"), username=officer, start=first, end=last
            )
    except PeelianError as exc:
        fail(exc.detail)
    digest = render_pdf(manifest, out)
    console.print(
        f"wrote {out}: {len(manifest['entries'])} entries, chain head "
        f"{(manifest['chain_head'] or 'none')[:16]}…, manifest SHA-256 {digest}"
    )
    for gap in manifest["gaps"]:
        console.print(f"[yellow]gap[/] device {gap['device_id']}: missing {gap['missing']}")


@app.command()
def verify(file: Path) -> None:
    """Recompute the chain from the PDF's manifest; print OK or the first bad entry."""
    try:
        count, head = verify_pdf(file)
    except ExportError as exc:
        fail(f"{file}: {exc}", code=1)
    console.print(f"OK: {count} entries, chain head {head}")
