"""`peelian bio synth`: write a synthetic FVC-style fingerprint database.

The lead registers :func:`synth` on the ``bio`` group, e.g. ``bio_app.command("synth")(synth)``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from peelian.biometrics.engine.synthesis import FIRST_FINGER, generate_dataset

__all__ = ["synth"]

_err = Console(stderr=True)


def _fail(message: str) -> NoReturn:
    """Print ``peelian: error: message`` on one line and exit with status 2."""
    _err.print(f"[bold red]peelian: error:[/] {message}", highlight=False, soft_wrap=True)
    sys.exit(2)


def synth(
    *,
    fingers: Annotated[int, typer.Option("--fingers", help="Number of synthetic fingers")] = 10,
    impressions: Annotated[int, typer.Option("--impressions", help="Impressions per finger")] = 8,
    out: Annotated[Path, typer.Option("--out", help="Directory to write the database to")],
    seed: Annotated[int, typer.Option("--seed", help="Seed of the whole database")] = 1,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes")] = 1,
) -> None:
    """Write FINGERS x IMPRESSIONS synthetic prints as NNN_K.tif (from 101_1) plus truth JSON."""
    for name, value in (
        ("--fingers", fingers),
        ("--impressions", impressions),
        ("--workers", workers),
    ):
        if value < 1:
            _fail(f"{name} must be at least 1, not {value}")
    if out.exists() and not out.is_dir():
        _fail(f"{out} exists and is not a directory")
    console = Console(stderr=True)
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]synth[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("synth", total=fingers * impressions)
        try:
            paths = generate_dataset(
                out,
                fingers,
                impressions,
                seed,
                workers=workers,
                progress=lambda done, _total: bar.update(task, completed=done),
            )
        except OSError as exc:
            _fail(f"cannot write {out}: {exc.strerror or exc}")
    elapsed = time.perf_counter() - started
    last = FIRST_FINGER + fingers - 1
    typer.echo(
        f"wrote {len(paths)} impressions of fingers {FIRST_FINGER}-{last} to {out} "
        f"in {elapsed:.1f} s ({elapsed / len(paths):.3f} s per impression)"
    )
