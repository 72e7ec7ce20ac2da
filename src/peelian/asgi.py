"""ASGI entry point for servers: `uvicorn peelian.asgi:app`."""

import gc

from peelian.main import create_app

app = create_app()

# What start-up made (routes, models, schemas, compiled validators) lives as long as the process.
# Frozen out of the collector's view, it is no longer walked by every full collection: with it
# in view one full pass cost over 100 ms of CPU, every request stalled behind it.
gc.freeze()
