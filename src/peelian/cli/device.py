"""`peelian device register|login|fill|submit|note|sync|status`: the Python device client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn

from peelian.cli._common import console, fail
from peelian.mobile.client import (
    Api,
    DeviceClient,
    DeviceStore,
    ProblemError,
    ReceiptError,
    TransportFailure,
)

app = typer.Typer(
    help="An officer device: capture offline, sync with receipts.", no_args_is_help=True
)
Store = Annotated[
    Path,
    typer.Option("--store", envvar="PEELIAN_DEVICE_STORE", help="The device's SQLite store"),
]
DEFAULT_STORE = Path("var/device.db")


def _client(store: Path, server: str | None = None) -> DeviceClient:
    db = DeviceStore(store)
    url = server or db.get("server")
    if not url:
        fail("no server known: run `peelian device register --server URL` first")
    if server:
        db.set(server=server)
    return DeviceClient(db, Api(url))


def _run(action: Any) -> Any:
    try:
        return action()
    except ProblemError as exc:
        hint = f" (action: {exc.action})" if exc.action else ""
        fail(f"{exc.body.get('detail', exc)}{hint}")
    except TransportFailure as exc:
        fail(f"the server could not be reached; nothing was lost, sync again later ({exc})")
    except ReceiptError as exc:
        fail(f"{exc}; the data stays on the device")


@app.command()
def register(
    server: Annotated[str, typer.Option(help="The Peelian server, e.g. http://127.0.0.1:8000")],
    username: Annotated[str, typer.Option(prompt=True)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    code: Annotated[str, typer.Option(prompt="Authenticator code")],
    name: str = "Peelian device",
    store: Store = DEFAULT_STORE,
) -> None:
    """Make a device key, register it to you and sign in as the device."""
    client = _client(store, server)
    device_id = _run(lambda: client.register(username, password, code, name=name))
    console.print(f"registered device {device_id} for {username}")


@app.command()
def login(
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    code: Annotated[str, typer.Option(prompt="Authenticator code")],
    store: Store = DEFAULT_STORE,
) -> None:
    """Sign in again with the device's signed proof."""
    client = _client(store)
    _run(lambda: client.login(password, code))
    console.print("signed in")


@app.command()
def submit(
    form: Annotated[str, typer.Option(help="Form id, e.g. stop_search")],
    version: Annotated[str, typer.Option(help="Form version")],
    data: Annotated[Path, typer.Option(help="JSON file with the answers")],
    attach: Annotated[list[str] | None, typer.Option(help="name=path, repeatable")] = None,
    store: Store = DEFAULT_STORE,
) -> None:
    """Queue a completed form (offline); `sync` sends it."""
    client = _client(store)
    files = {}
    for item in attach or []:
        name, _, path = item.partition("=")
        files[name] = Path(path)
    sid = client.submit(form, version, json.loads(data.read_text()), attachments=files)
    console.print(f"queued submission {sid}; {client.status()['unsent']} unsent")


@app.command()
def fill(form: Annotated[str, typer.Option(help="Form id")], store: Store = DEFAULT_STORE) -> None:
    """Answer a pulled form's questions at the prompt, then queue it."""
    client = _client(store)
    versions = [
        d["schema"]
        for _, d in client.store.records("form_version")
        if d["schema"]["form_id"] == form and d["status"] == "published"
    ]
    if not versions:
        fail(f"no published form {form!r} on this device: run `peelian device sync`")
    schema = versions[-1]
    answers: dict[str, Any] = {}
    for field in _flat(schema["fields"]):
        if field["type"] in ("note", "calculate", "repeat", "image", "audio", "signature"):
            continue
        options = [c["value"] for c in field.get("choices", [])]
        hint = f" [{'/'.join(options)}]" if options else ""
        value = typer.prompt(f"{field['label'] or field['name']}{hint}", default="")
        if value != "":
            answers[field["name"]] = int(value) if field["type"] == "integer" else value
    sid = client.submit(schema["form_id"], schema["version"], answers)
    console.print(f"queued submission {sid}")


def _flat(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for f in fields:
        out.extend(_flat(f["children"]) if f["type"] == "group" else [f])
    return out


@app.command()
def note(text: str, store: Store = DEFAULT_STORE) -> None:
    """Write a pocket-notebook entry."""
    client = _client(store)
    console.print(f"entry {client.note(text)} queued")


@app.command()
def sync(store: Store = DEFAULT_STORE) -> None:
    """Push the outbox, upload attachments, pull buckets (with progress)."""
    client = _client(store)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}"),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        report = _run(lambda: client.sync(progress=progress))
    console.print(f"pushed {report.pushed}, uploaded {report.uploaded}, pulled {report.pulled}")
    for held in report.held:
        console.print(f"[yellow]held for fixing:[/] {held}")


@app.command()
def status(store: Store = DEFAULT_STORE) -> None:
    """Unsent, held and acknowledged counts."""
    client = _client(store)
    for key, value in client.status().items():
        console.print(f"{key:>14}  {value}")
