"""`peelian bio`: evaluate, extract and compare fingerprints from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from peelian.biometrics import engine
from peelian.biometrics.engine import evaluation

app = typer.Typer(
    name="bio",
    help="Fingerprint engine: evaluate on an FVC-style folder, extract minutiae, compare prints.",
    no_args_is_help=True,
    add_completion=False,
)
_err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    _err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code=2)


@app.command("eval")
def eval_(
    folder: Annotated[Path, typer.Argument(help="Folder of FINGER_IMPRESSION images (101_1.tif).")],
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write DET and histogram PNGs here.")
    ] = None,
) -> None:
    """Run the FVC and all-pairs protocols; report EER, FMR100, FMR1000, ZeroFMR and speed."""
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeRemainingColumn(),
            console=_err,
            transient=True,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done)

            result = evaluation.evaluate(folder, progress)
        summary: dict[str, Any] = result.summary()
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            evaluation.plot_det(result, out / "det.png")
            evaluation.plot_histograms(result, out / "histograms.png")
            summary["plots"] = [str(out / "det.png"), str(out / "histograms.png")]
    except (engine.EngineError, OSError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if json_out:
        typer.echo(json.dumps(summary))
        return
    typer.echo(
        f"{result.images} images, {len(result.failed_enrolments)} failed enrolments, "
        f"{len(result.genuine)} genuine / {len(result.impostor)} impostor comparisons"
    )
    for key in ("eer", "fmr100", "fmr1000", "zerofmr"):
        typer.echo(f"{key:>8}: {100 * summary[key]:.2f}%")
    typer.echo(
        f"extraction median {summary['extract_ms_median']:.1f} ms CPU time, "
        f"{summary['comparisons_per_s']:,.0f} comparisons/s per core (1:N, CPU time)"
    )


@app.command()
def extract(
    image: Annotated[Path, typer.Argument(help="Fingerprint image (PNG, TIFF, BMP).")],
    ppi: Annotated[float | None, typer.Option(help="Source resolution if not 500 ppi.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write a PNG of the stages here.")
    ] = None,
) -> None:
    """Extract minutiae; print their number and the image quality."""
    try:
        hook = engine.Transparency() if out is not None else None
        template = engine.extract(image, ppi=ppi, transparency=hook)
        if out is not None and hook is not None:
            out.write_bytes(_stages_png(hook, template))
    except (engine.EngineError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"minutiae: {len(template)}  image quality: {template.image_quality}")


def _stages_png(hook: engine.Transparency, template: engine.Template) -> bytes:
    import cv2
    import numpy as np

    image = hook.stages["image"]
    enhanced = hook.stages["enhanced"]
    enh = np.clip(128 + 60 * enhanced, 0, 255).astype(np.uint8)
    skel = np.where(hook.stages["skeleton"] > 0, 0, 255).astype(np.uint8)
    empty = engine.Explanation(
        pairs=np.zeros((0, 2), np.int32), rotation=0.0, translation=(0.0, 0.0), score=0.0
    )
    caption = f"{len(template)} minutiae, image quality {template.image_quality}"
    drawn = engine.render_comparison(image, template, skel, template, empty, title=caption)
    panel = np.asarray(cv2.imdecode(np.frombuffer(drawn, np.uint8), cv2.IMREAD_COLOR))
    enh_bgr = cv2.cvtColor(enh, cv2.COLOR_GRAY2BGR)
    enh_pad = np.full((panel.shape[0], enh_bgr.shape[1], 3), 255, np.uint8)
    enh_pad[28 : 28 + enh_bgr.shape[0]] = enh_bgr
    _ok, buf = cv2.imencode(".png", np.hstack([panel, enh_pad]))
    return bytes(buf.tobytes())


@app.command()
def compare(
    a: Annotated[Path, typer.Argument(help="First (probe) image.")],
    b: Annotated[Path, typer.Argument(help="Second (candidate) image.")],
    png: Annotated[
        Path | None, typer.Option("--png", help="Write an explanation PNG here.")
    ] = None,
) -> None:
    """Compare two images: calibrated score (-10 log10 FMR) and the FMR it stands for."""
    try:
        ta = engine.extract(a)
        tb = engine.extract(b)
        explanation = engine.explain(ta, tb)
        if png is not None:
            png.write_bytes(engine.render_comparison(a, ta, b, tb, explanation))
    except (engine.EngineError, OSError) as exc:
        raise _fail(str(exc)) from None
    score = explanation.score
    typer.echo(
        f"score: {score:.1f}  FMR: {engine.score_to_fmr(score):.3g}  "
        f"paired minutiae: {len(explanation.pairs)}"
    )
