"""Supervisors' side: review submissions, resolve sync conflicts, brief teams, frontline time."""
