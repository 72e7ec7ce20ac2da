"""`peelian serve` and `peelian worker`."""

from __future__ import annotations

from typing import Annotated

import typer

from peelian.cli._common import settings_or_fail


def register(app: typer.Typer) -> None:
    """Add the top-level serve and worker commands."""

    @app.command()
    def serve(
        host: Annotated[str, typer.Option()] = "127.0.0.1",
        port: Annotated[int, typer.Option()] = 8000,
        workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    ) -> None:
        """Serve the web app and API."""
        import uvicorn

        from peelian.main import configure_logging

        settings = settings_or_fail()
        configure_logging(settings.log_level)
        uvicorn.run(
            "peelian.asgi:app",
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            access_log=False,
            proxy_headers=False,
        )
