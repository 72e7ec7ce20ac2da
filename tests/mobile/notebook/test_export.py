"""Court export: the PDF carries a manifest anyone can verify; alterations are named."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from peelian.mobile.client import Api, DeviceClient, DeviceStore
from peelian.mobile.notebook.export import (
    SUBJECT_PREFIX,
    ExportError,
    manifest_bytes,
    render_pdf,
    verify_pdf,
)
from tests.mobile.live import PASSWORD, ROOT, LiveServer, code_now


def _cli(live: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from peelian.cli import main; main()", *args],
        env=live.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def exported(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An officer writes notes and an amendment on a device; the CLI exports today."""
    tmp = tmp_path_factory.mktemp("export")
    name = f"nb-{uuid.uuid4().hex[:8]}"
    dev = DeviceClient(DeviceStore(tmp / "d.db"), Api(live_server.url))
    dev.register(name, PASSWORD, code_now(live_server.make_officer(name)))
    first = dev.note("0700 ON DUTY. Briefed by PS 12 — patrol High St.")
    dev.note("0815 Stopped vehicle AB12 CDE on High St.")
    dev.note("0700 ON DUTY. Briefed by PS 12.", amends=first, reason="wrong sergeant number")
    dev.sync()
    out = tmp / "pnb.pdf"
    today = datetime.now(UTC).date().isoformat()
    res = _cli(
        live_server,
        "notebook",
        "export",
        "--officer",
        name,
        "--from",
        today,
        "--to",
        today,
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    return out


class TestExportAndVerify:
    def test_untouched_export_verifies_ok(self, exported: Path, live_server: LiveServer) -> None:
        res = _cli(live_server, "notebook", "verify", str(exported))
        assert res.returncode == 0, res.stderr
        assert res.stdout.startswith("OK: 3 entries")

    def test_amendment_is_a_linked_entry_with_its_reason(self, exported: Path) -> None:
        manifest = json.loads(PdfReader(str(exported)).attachments["manifest.json"][0])
        amendment = manifest["entries"][2]
        assert amendment["amends"] == manifest["entries"][0]["id"]
        assert amendment["reason"] == "wrong sergeant number"
        assert manifest["entries"][0]["text"].startswith("0700 ON DUTY. Briefed by PS 12 —")

    def test_edited_entry_with_a_recomputed_manifest_hash_names_the_entry(
        self, exported: Path, tmp_path: Path
    ) -> None:
        manifest = json.loads(PdfReader(str(exported)).attachments["manifest.json"][0])
        manifest["entries"][1]["text"] = "0815 Nothing happened."
        forged = tmp_path / "forged.pdf"
        render_pdf(manifest, forged)
        with pytest.raises(ExportError, match="entry 2: its content does not match its hash"):
            verify_pdf(forged)

    def test_swapped_manifest_is_reported_altered(self, exported: Path, tmp_path: Path) -> None:
        manifest = json.loads(PdfReader(str(exported)).attachments["manifest.json"][0])
        manifest["entries"][1]["text"] = "changed"
        pdf = FPDF()
        pdf.add_page()
        subject = PdfReader(str(exported)).metadata["/Subject"]
        pdf.set_subject(str(subject))
        pdf.embed_file(bytes=manifest_bytes(manifest), basename="manifest.json")
        pdf.output(str(tmp_path / "swapped.pdf"))
        with pytest.raises(ExportError, match="manifest does not match the SHA-256"):
            verify_pdf(tmp_path / "swapped.pdf")

    def test_other_files_get_a_one_line_error(
        self, tmp_path: Path, live_server: LiveServer
    ) -> None:
        plain = tmp_path / "plain.pdf"
        pdf = FPDF()
        pdf.add_page()
        pdf.output(str(plain))
        junk = tmp_path / "junk.pdf"
        junk.write_bytes(b"not a pdf at all")
        for path, expected in ((plain, "not a Peelian notebook export"), (junk, "not a PDF")):
            res = _cli(live_server, "notebook", "verify", str(path))
            assert res.returncode == 1
            assert expected in res.stderr
            assert len(res.stderr.strip().splitlines()) == 1

    def test_subject_carries_the_manifest_hash(self, exported: Path) -> None:
        subject = str(PdfReader(str(exported)).metadata["/Subject"])
        assert subject.startswith(SUBJECT_PREFIX)
