"""Biometrics tables, one module per use case."""
