"""`peelian bio enrol` and `peelian bio unenrol`: ten-print sets from files, and their destruction.

Registered on the ``bio`` group in :mod:`peelian.cli`. The command writes the database and the
change log only; running servers pick the change up before their next search.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import typer

from peelian.biometrics.service import enrolment
from peelian.cli._common import console, fail, load_state
from peelian.core.audit import Actor
from peelian.core.errors import PeelianError

__all__ = ["enrol", "unenrol"]

CLI_ACTOR = Actor.system("cli")


def _person(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        fail(f"person id {value[:40]!r} is not a UUID")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")


def _fingers(specs: list[str], ppi: float | None) -> list[enrolment.FingerImageIn]:
    fingers = []
    for spec in specs:
        code, sep, path = spec.partition("=")
        if not sep or not code.strip().isdigit() or not path:
            fail(f"--finger {spec!r} should be CODE=PATH, e.g. --finger 2=right-index.png")
        fingers.append(enrolment.FingerImageIn(int(code), _read(Path(path)), ppi))
    return fingers


def enrol(
    person_id: Annotated[str, typer.Argument(help="The records person id (UUID).")],
    finger: Annotated[
        list[str] | None,
        typer.Option("--finger", help="CODE=PATH, one per finger (NIST codes 1-10; 2 = R index)."),
    ] = None,
    ansi_nist: Annotated[
        Path | None,
        typer.Option("--ansi-nist", help="An ANSI/NIST-ITL 1-2011 transaction file instead."),
    ] = None,
    ppi: Annotated[
        float | None, typer.Option(help="Image resolution (default: the file's, else 500).")
    ] = None,
) -> None:
    """Enrol (or re-enrol) a person's prints from image files or an ANSI/NIST-ITL file."""
    if bool(finger) == (ansi_nist is not None):
        fail("give either --finger CODE=PATH (two or more) or --ansi-nist FILE")
    state = load_state()
    try:
        with state.db.unit_of_work() as session:
            if ansi_nist is not None:
                view = enrolment.enrol_transaction(
                    session,
                    actor=CLI_ACTOR,
                    store=state.blob_store,
                    holder=None,
                    data=_read(ansi_nist),
                )
            else:
                view = enrolment.enrol_images(
                    session,
                    actor=CLI_ACTOR,
                    store=state.blob_store,
                    holder=None,
                    person_id=_person(person_id),
                    fingers=_fingers(finger or [], ppi),
                )
            if ansi_nist is not None and view.enrolment.person_id != _person(person_id):
                fail("the transaction's Type-2 field 2.100 names another person; nothing enrolled")
    except PeelianError as exc:
        fail(str(exc))
    qualities = ", ".join(f"{f.finger_position}:{f.quality}" for f in view.fingers)
    console.print(
        f"enrolled {len(view.fingers)} fingers for {view.enrolment.person_id} "
        f"(version {view.enrolment.version}; quality by finger {qualities})",
        highlight=False,
    )


def unenrol(
    person_id: Annotated[str, typer.Argument(help="The records person id (UUID).")],
    reason: Annotated[str, typer.Option(help="Why the prints are destroyed (audited).")],
) -> None:
    """Destroy a person's enrolled prints; servers forget them before their next search."""
    state = load_state()
    try:
        with state.db.unit_of_work() as session:
            enrolment.unenrol(
                session,
                actor=CLI_ACTOR,
                store=state.blob_store,
                holder=None,
                person_id=_person(person_id),
                reason=reason,
            )
    except PeelianError as exc:
        fail(str(exc))
    console.print(f"destroyed the enrolled prints of {person_id}", highlight=False)
