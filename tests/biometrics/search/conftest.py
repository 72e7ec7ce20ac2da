"""Fixtures for mobile search and review (helpers live in tests/fixtures/biometrics_search.py)."""

from tests.fixtures.biometrics_search import population, scan_pair, settings

__all__ = ["population", "scan_pair", "settings"]
