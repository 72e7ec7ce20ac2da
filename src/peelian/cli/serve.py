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
        workers: Annotated[
            int,
            typer.Option(
                help="Worker processes. Keep 1 with fingerprint search: one process searches on "
                "every core, and a review's probe is held only by the process that searched"
            ),
        ] = 1,
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

    @app.command()
    def worker(
        workers: Annotated[int, typer.Option(help="Worker threads")] = 2,
    ) -> None:
        """Run queued and periodic jobs (SQLite queue under var/, or Redis if configured)."""
        from peelian.cli._common import load_state
        from peelian.main import configure_logging
        from peelian.web.state import set_current_state
        from peelian.worker import run_worker

        state = load_state()
        configure_logging(state.settings.log_level)
        set_current_state(state)
        run_worker(state.huey, workers=workers)
