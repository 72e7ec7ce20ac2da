"""Court export of a notebook range as PDF with a hash manifest anyone can check.

The manifest (JSON: entries with every hashed field, the hash before the range, the chain head,
gaps) is embedded in the PDF as the attachment ``manifest.json``; its SHA-256 is printed on the
last page and stored as the PDF subject. `verify_pdf` recomputes the chain from the manifest.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peelian.mobile.notebook.chain import GENESIS, first_break

__all__ = ["MANIFEST_NAME", "ExportError", "build_manifest", "render_pdf", "verify_pdf"]

MANIFEST_NAME = "manifest.json"
FORMAT = "peelian-notebook-export"
SUBJECT_PREFIX = "peelian-notebook-manifest-sha256:"


class ExportError(ValueError):
    """The file is not a Peelian notebook export, or it has been altered."""


def build_manifest(
    *,
    officer: dict[str, Any],
    entries: list[dict[str, Any]],
    start: datetime,
    end: datetime,
    gaps: list[dict[str, Any]],
) -> dict[str, Any]:
    """The manifest for a range of entries (already in chain order)."""
    return {
        "format": FORMAT,
        "version": 1,
        "officer": officer,
        "from": start.astimezone(UTC).isoformat(),
        "to": end.astimezone(UTC).isoformat(),
        "generated_at": datetime.now(UTC).isoformat(),
        "previous_hash": entries[0]["prev_hash"] if entries else GENESIS,
        "chain_head": entries[-1]["hash"] if entries else None,
        "entries": entries,
        "gaps": gaps,
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """Canonical bytes of the manifest (what its SHA-256 covers)."""
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _latin(text: str) -> str:
    # The core PDF fonts are Latin-1; the exact text is always in the embedded manifest.
    return text.encode("latin-1", "replace").decode("latin-1")


def _line(pdf: Any, height: float, text: str) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def render_pdf(manifest: dict[str, Any], out: Path) -> str:
    """Write the PDF; returns the manifest's SHA-256."""
    from fpdf import FPDF

    raw = manifest_bytes(manifest)
    digest = hashlib.sha256(raw).hexdigest()
    pdf = FPDF()
    pdf.set_title("Pocket notebook export")
    pdf.set_subject(SUBJECT_PREFIX + digest)
    pdf.set_creator("Peelian")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    officer = manifest["officer"]
    _line(
        pdf,
        8,
        _latin(
            f"Pocket notebook: {officer.get('display_name', '')} "
            f"({officer.get('collar_number') or officer.get('username')})"
        ),
    )
    pdf.set_font("Helvetica", size=9)
    _line(
        pdf,
        5,
        _latin(
            f"From {manifest['from']} to {manifest['to']} (UTC). "
            f"{len(manifest['entries'])} entries. Generated {manifest['generated_at']}."
        ),
    )
    for e in manifest["entries"]:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 9)
        label = f"#{e['position']}  server {e['server_time']}  device {e['device_time']}"
        if e.get("amends"):
            label += f"  AMENDS {e['amends']}: {e.get('reason') or ''}"
        _line(pdf, 5, _latin(label))
        pdf.set_font("Helvetica", size=10)
        _line(pdf, 5, _latin(e["text"]))
        pdf.set_font("Courier", size=7)
        _line(pdf, 4, f"hash {e['hash']}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 12)
    _line(pdf, 7, "Hash manifest")
    pdf.set_font("Courier", size=7)
    for gap in manifest["gaps"]:
        _line(pdf, 4, _latin(f"GAP device {gap['device_id']}: missing {gap['missing']}"))
    _line(pdf, 4, f"previous hash {manifest['previous_hash']}")
    for e in manifest["entries"]:
        _line(pdf, 4, f"{e['position']:>6} {e['hash']}")
    _line(pdf, 4, f"chain head {manifest['chain_head']}")
    _line(pdf, 4, f"manifest SHA-256 {digest}")
    pdf.set_font("Helvetica", size=8)
    pdf.multi_cell(
        0,
        4,
        "Check with: peelian notebook verify FILE (recomputes every entry hash "
        "and the chain from the embedded manifest.json).",
    )
    pdf.embed_file(bytes=raw, basename=MANIFEST_NAME, mime_type="application/json")
    pdf.output(str(out))
    return digest


def verify_pdf(path: Path) -> tuple[int, str]:
    """(entries checked, chain head) when intact; ExportError naming the first problem if not."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with open(path, "rb") as fp:
            if fp.read(5) != b"%PDF-":
                raise ExportError("not a PDF file")
    except OSError as exc:
        raise ExportError(f"cannot read the file ({type(exc).__name__})") from exc
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings are not for officers
    try:
        reader = PdfReader(str(path))
        subject = str(reader.metadata.get("/Subject", "") or "") if reader.metadata else ""
        attached = reader.attachments.get(MANIFEST_NAME)
    except (PyPdfError, OSError, ValueError) as exc:
        raise ExportError(f"not a readable PDF ({type(exc).__name__})") from exc
    if not attached or not str(subject).startswith(SUBJECT_PREFIX):
        raise ExportError("not a Peelian notebook export (no embedded manifest)")
    raw = attached[0]
    if hashlib.sha256(raw).hexdigest() != str(subject).removeprefix(SUBJECT_PREFIX):
        raise ExportError("altered: the manifest does not match the SHA-256 recorded in the PDF")
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise ExportError("altered: the manifest is not valid JSON") from exc
    if manifest.get("format") != FORMAT:
        raise ExportError("not a Peelian notebook export")
    entries = manifest["entries"]
    broken = first_break(entries, start_prev=manifest["previous_hash"])
    if broken:
        raise ExportError(f"altered: {broken}")
    head = entries[-1]["hash"] if entries else None
    if head != manifest["chain_head"]:
        raise ExportError("altered: the chain head does not match the last entry")
    return len(entries), str(head)
