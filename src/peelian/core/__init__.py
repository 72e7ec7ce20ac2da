"""Shared kernel: code every domain may use; it imports no domain."""
