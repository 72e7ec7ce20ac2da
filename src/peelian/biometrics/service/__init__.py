"""Biometric identification services: enrolment, the live gallery, mobile search, review."""
