"""A Python device client: a SQLite outbox with per-device seq, receipts and pulled buckets.

Used to simulate officers in tests, load runs and the demo, and as the reference client of the
protocol in docs/sync-protocol.md. It never deletes local data before a valid signed receipt.
"""

from peelian.mobile.client.api import Api, ProblemError, TransportFailure
from peelian.mobile.client.device import DeviceClient, ReceiptError, SyncReport
from peelian.mobile.client.store import DeviceStore

__all__ = [
    "Api",
    "DeviceClient",
    "DeviceStore",
    "ProblemError",
    "ReceiptError",
    "SyncReport",
    "TransportFailure",
]
