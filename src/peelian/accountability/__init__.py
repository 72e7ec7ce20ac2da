"""Accountability: the auditor's search of the audit log and chain verification."""
