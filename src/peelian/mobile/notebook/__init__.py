"""The digital pocket notebook: append-only, hash-chained per officer, exportable for court."""
