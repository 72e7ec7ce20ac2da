"""Shared kernel: database, audit, storage, errors, ids and time. Imports no domain."""
