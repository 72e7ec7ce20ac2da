"""The biometrics JSON API."""
