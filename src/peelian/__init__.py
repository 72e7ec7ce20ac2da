"""Peelian: an open-source platform for connected frontline policing."""

__version__ = "0.1.0"
