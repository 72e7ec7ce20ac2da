"""The sync protocol: push with signed receipts, pull by bucket cursor, resumable uploads."""
