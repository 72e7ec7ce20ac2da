"""The biometrics JSON API, one module per use case."""
