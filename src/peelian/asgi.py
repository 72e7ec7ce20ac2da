"""ASGI entry point for servers: `uvicorn peelian.asgi:app`."""

from peelian.main import create_app

app = create_app()
