"""Fixtures for every biometrics test: settings with the default body cap (the enrolment and
search routes carry caps of their own, sized for ten-print and probe uploads)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import TEST_SECRET

from peelian.config import Settings, load_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """As the suite's settings, but with the default body cap rather than the suite's 64 KiB."""
    return load_settings(
        secret_key=TEST_SECRET,
        env="test",
        var_dir=tmp_path / "var",
        storage_url=f"file://{tmp_path / 'blobs'}",
    )
