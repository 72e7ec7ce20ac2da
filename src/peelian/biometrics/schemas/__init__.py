"""Shapes of the biometrics domain on the API, one module per use case."""
