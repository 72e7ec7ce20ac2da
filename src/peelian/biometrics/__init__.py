"""Biometrics domain: fingerprint identification for officers at the roadside."""
