"""ANSI/NIST-ITL 1-2011 transactions in the traditional encoding: Type-1, 2, 4 and 14 records.

A minimal, strict reader and writer for enrolment of ten-print sets taken in custody. Parsing
never trusts a length: every malformed record is rejected with the record, field and byte offset.
"""

from peelian.biometrics.ansi_nist.model import (
    AnsiNistError,
    FingerImage,
    Transaction,
)
from peelian.biometrics.ansi_nist.reader import parse_transaction
from peelian.biometrics.ansi_nist.writer import FingerCapture, build_transaction

__all__ = [
    "AnsiNistError",
    "FingerCapture",
    "FingerImage",
    "Transaction",
    "build_transaction",
    "parse_transaction",
]
