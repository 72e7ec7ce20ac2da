"""The demo's fingerprints: a synthetic enrolled population linked to demo people, and probe files.

Sixteen people (by default) are enrolled from rendered synthetic prints (right and left index,
through the real extraction and quality gate, images kept for examiners); a few hundred more get
templates drawn directly (no images: fast). Probe files are *other* impressions of the same
synthetic fingers, written as PNG to ``var/demo/probes/``: one set for a RED person (a current
failed-to-appear warrant is put on their record), one for an AMBER person (a violence warning
marker), and one of fingers that are enrolled nowhere (GREEN / no trace).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rich.table import Table

from peelian.biometrics import engine
from peelian.biometrics.engine import synthesis
from peelian.biometrics.gallery import GalleryIndex
from peelian.biometrics.gallery import synthetic as direct
from peelian.biometrics.service import enrolment, gallery
from peelian.cli._common import console
from peelian.core.audit import Actor
from peelian.core.errors import InvalidInput
from peelian.core.time import utcnow
from peelian.records.codes import FlagKind, MarkerCode
from peelian.records.schemas import FlagCreate
from peelian.records.service import check, flags, people
from peelian.records.service import seed as records_seed
from peelian.web.state import AppState

__all__ = ["enrol_demo_population", "print_probes"]

ACTOR = Actor.system("demo")
PURPOSE = "Demo set-up: choosing fingerprint demo subjects"
FINGERS = (2, 7)  # right and left index, as the mobile scanners take them
SEED = 20261129
GOOD_QUALITY = 40
GOOD_MINUTIAE = 20
CLEAR_FINGER = 45.0  # 1:1 score of each probe finger against its enrolment (two make 90)
PROBE_ATTEMPTS = 8


def probes_dir(var_dir: Path) -> Path:
    """Where the demo's probe images are written."""
    return var_dir / "demo" / "probes"


def _impression(master: synthesis.MasterPrint, seed: int) -> bytes | None:
    """A good impression of a finger as PNG, or None (some captures are poor, as in life)."""
    for attempt in range(3):
        image = synthesis.synthesize_impression(master, seed + 1000 * attempt).image
        try:
            t = engine.extract(image, ppi=500)
        except engine.EngineError:
            continue
        if t.image_quality >= GOOD_QUALITY and len(t) >= GOOD_MINUTIAE:
            return enrolment.png_of(image)
    return None


def _finger(seed: int) -> tuple[synthesis.MasterPrint, bytes]:
    """A synthetic finger that gives good impressions, and its enrolment impression."""
    for k in range(8):
        master = synthesis.synthesize_finger(seed + 100_003 * k)
        png = _impression(master, seed)
        if png is not None:
            return master, png
    raise RuntimeError("could not render a usable demo finger")


def _flag_subjects(state: AppState, candidates: list[uuid.UUID]) -> tuple[uuid.UUID, uuid.UUID]:
    """Two people with nothing current on them: one gets an FTA warrant, one a warning marker."""
    chosen: list[uuid.UUID] = []
    with state.db.unit_of_work() as session:
        for pid in candidates:
            result = check.check_person(session, actor=ACTOR, person_id=pid, purpose=PURPOSE)
            if result.colour.value == "green":
                chosen.append(pid)
            if len(chosen) == 2:
                break
        if len(chosen) < 2:
            raise RuntimeError("no two demo people without current flags were found")
        red, amber = chosen
        review = (utcnow() + timedelta(days=180)).date()
        flags.add_flag(
            session,
            actor=ACTOR,
            person_id=red,
            flag_in=FlagCreate(
                kind=FlagKind.FTA_WARRANT,
                source="HMCTS (demo)",
                court="Leeds Magistrates' Court",
                warrant_type="not backed for bail",
                review_date=review,
            ),
        )
        flags.add_flag(
            session,
            actor=ACTOR,
            person_id=amber,
            flag_in=FlagCreate(
                kind=FlagKind.MARKER,
                code=MarkerCode.VIOLENT.value,
                source="PNC (demo)",
                review_date=review,
            ),
        )
    return red, amber


def _probe(master: synthesis.MasterPrint, enrolled: bytes | None) -> bytes | None:
    """A good probe impression; for an enrolled finger, one that clearly matches its
    enrolment (an officer retakes a scan that overlaps too little, and so does the demo)."""
    reference = engine.prepare(engine.extract(enrolled, ppi=500)) if enrolled else None
    for k in range(PROBE_ATTEMPTS):
        png = _impression(master, SEED + 7 + 70_000 * k)
        if png is None:
            continue
        if reference is None:
            return png
        if engine.compare(engine.extract(png, ppi=500), reference) >= CLEAR_FINGER:
            return png
    return None


def _write_probes(
    out: Path,
    band: str,
    masters: dict[int, synthesis.MasterPrint],
    enrolled: dict[int, bytes] | None = None,
) -> list[str]:
    files = []
    for pos, master in masters.items():
        png = _probe(master, enrolled[pos] if enrolled else None)
        if png is None:
            raise RuntimeError("could not render a usable demo probe")
        path = out / f"{band}_finger_{pos}_{enrolment.FINGER_NAMES[pos].replace(' ', '_')}.png"
        path.write_bytes(png)
        files.append(str(path))
    return files


def enrol_demo_population(state: AppState, *, image_people: int, template_people: int) -> None:
    """Enrol the demo population and write the probes (once; later runs only print them)."""
    # The first people are enrolled; RED and AMBER are picked after them, among people with
    # nothing current on their record, so their flags are the ones this demo puts there.
    need = max(image_people - 2, 0) + template_people
    with state.db.sessionmaker() as session:
        if enrolment.enrolled_count(session) > 0:
            return
        ids = records_seed.person_ids(session, limit=need + 40)
    if image_people < 2 or len(ids) < need + 2:
        console.print("Too few demo people for the fingerprint demo; skipped.")
        return
    red, amber = _flag_subjects(state, ids[need:])
    rendered = [red, amber, *ids[: image_people - 2]]
    templated = ids[image_people - 2 : need]
    out = probes_dir(state.settings.var_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {}
    with console.status("Enrolling demo fingerprints") as status:
        for n, pid in enumerate(rendered):
            status.update(f"Enrolling demo fingerprints: rendered prints {n + 1}/{len(rendered)}")
            made = {f: _finger(SEED + 10 * n + f) for f in FINGERS}
            masters = {f: m for f, (m, _) in made.items()}
            fingers = [enrolment.FingerImageIn(f, png) for f, (_, png) in made.items()]
            with state.db.unit_of_work() as session:
                enrolment.enrol_images(
                    session, actor=ACTOR, store=state.blob_store, holder=None, person_id=pid,
                    fingers=fingers,
                )  # fmt: skip
            if pid in (red, amber):
                band = "red" if pid == red else "amber"
                files = _write_probes(out, band, masters, {f: png for f, (_, png) in made.items()})
                manifest[band] = {"person_id": str(pid), "files": files}
        status.update("Enrolling demo fingerprints: direct templates")
        _enrol_templates(state, templated)
        outsider = {f: _finger(SEED + 999_000 + f)[0] for f in FINGERS}
        manifest["green"] = {"person_id": None, "files": _write_probes(out, "green", outsider)}
    _describe(state, manifest)
    (out / "probes.json").write_text(json.dumps(manifest, indent=2))
    _self_check(state, manifest)


def _inside(t: engine.Template) -> engine.Template:
    """The template without minutiae a drawn capture window put outside the image."""
    keep = (t.x >= 0) & (t.x < t.width) & (t.y >= 0) & (t.y < t.height)
    return replace(
        t, x=t.x[keep], y=t.y[keep], angle=t.angle[keep], kind=t.kind[keep], quality=t.quality[keep]
    )


def _enrol_templates(state: AppState, ids: list[uuid.UUID]) -> None:
    rng = np.random.default_rng(SEED)
    with state.db.unit_of_work() as session:
        for pid in ids:
            templates = {
                f: _inside(direct.impression(direct.master(rng), rng, finger_position=f))
                for f in FINGERS
            }
            try:
                enrolment.enrol_templates(
                    session, actor=ACTOR, holder=None, person_id=pid, templates=templates
                )
            except InvalidInput:
                continue


def _describe(state: AppState, manifest: dict[str, Any]) -> None:
    expected = {
        "red": "RED: identified; failed-to-appear warrant",
        "amber": "AMBER: identified; warning marker (violent)",
        "green": "GREEN: no trace (these fingers are enrolled nowhere)",
    }
    with state.db.sessionmaker() as session:
        for band, item in manifest.items():
            item["expected"] = expected[band]
            if item["person_id"]:
                person = people.get_person(session, uuid.UUID(item["person_id"]))
                item["name"] = f"{person.given_names} {person.family_name.upper()}"


def _self_check(state: AppState, manifest: dict[str, Any]) -> None:
    """Search the RED probe against a gallery loaded from the database, as a server would."""
    holder = gallery.GalleryHolder(GalleryIndex())
    loaded = gallery.load_gallery(state.db, holder)
    probes = [engine.extract(Path(f).read_bytes(), finger_position=pos)
              for f, pos in zip(manifest["red"]["files"], FINGERS, strict=True)]  # fmt: skip
    found = holder.index.search(probes, top=1)
    hit = found and str(found[0].subject_id) == manifest["red"]["person_id"]
    console.print(
        f"Enrolled {loaded:,} demo fingers; self-check: the RED probe "
        + ("finds its person." if hit else "does NOT find its person (check the engine).")
    )


def print_probes(var_dir: Path) -> None:
    """Print the demo probe files and what searching each should answer."""
    path = probes_dir(var_dir) / "probes.json"
    if not path.exists():
        return
    manifest = json.loads(path.read_text())
    table = Table("probe", "person", "files (right index, left index)", "expected answer",
                  title="Demo fingerprint probes")  # fmt: skip
    for band, item in manifest.items():
        table.add_row(
            band.upper(), item.get("name", "-"), "\n".join(item["files"]), item["expected"]
        )
    console.print(table)
