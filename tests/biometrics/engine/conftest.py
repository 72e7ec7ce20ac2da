"""Shared fixtures for the fingerprint engine tests: real FVC images, cached templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from peelian.biometrics import engine

FVC_DIR = Path(__file__).parents[3].parent / "shared/fingerprints/FVC2002_DB1_B"


@pytest.fixture(scope="session")
def fvc_dir() -> Path:
    """The FVC2002 DB1_B folder beside the repository; tests skip when it is absent."""
    if not (FVC_DIR / "101_1.tif").is_file():
        pytest.skip(f"real fingerprint images not found at {FVC_DIR}")
    return FVC_DIR


class _Templates:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cache: dict[str, engine.Template] = {}

    def __call__(self, name: str) -> engine.Template:
        if name not in self.cache:
            self.cache[name] = engine.extract(self.folder / f"{name}.tif")
        return self.cache[name]


@pytest.fixture(scope="session")
def fvc_template(fvc_dir: Path) -> _Templates:
    """Extract (once per session) the template of an FVC image by name, e.g. ``"101_1"``."""
    return _Templates(fvc_dir)
