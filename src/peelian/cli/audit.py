"""`peelian audit verify|checkpoint`."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import select

from peelian.cli._common import console, fail, load_state
from peelian.core import audit
from peelian.core.audit import AuditChainHead

app = typer.Typer(help="The accountable audit log.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Walk the hash chain and signed checkpoints; name the first broken event."""
    state = load_state()
    with state.db.unit_of_work() as session:
        total = session.scalar(select(AuditChainHead.last_seq)) or 0
        with Progress(
            TextColumn("verifying"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("verify", total=total)
            report = audit.verify(
                session, signer=state.signer, progress=lambda n: progress.advance(task, n)
            )
    if not report.ok:
        where = f"event #{report.broken_seq}" + (
            f" ({report.broken_id})" if report.broken_id else ""
        )
        fail(f"audit chain broken at {where}: {report.reason}", code=1)
    console.print(
        f"audit chain intact: {report.events} events, {report.checkpoints} signed checkpoints"
    )


@app.command()
def checkpoint() -> None:
    """Sign the chain's current head."""
    state = load_state()
    with state.db.unit_of_work() as session:
        cp = audit.checkpoint(session, signer=state.signer)
    if cp is None:
        console.print("the audit log is empty; nothing to sign")
        return
    console.print(f"signed checkpoint at #{cp.seq} ({cp.hash[:16]}…) with key {cp.key_id}")
