"""What every CLI group shares: settings and state loading, one-line errors."""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.console import Console

from peelian.config import ConfigError, Settings, get_settings
from peelian.web.state import AppState

__all__ = ["CliError", "console", "err_console", "fail", "load_state", "settings_or_fail"]

console = Console()
err_console = Console(stderr=True)


class CliError(Exception):
    """An error to show as one line, without a traceback."""


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `peelian: error: message` and exit."""
    err_console.print(f"[bold red]peelian: error:[/] {message}", highlight=False, soft_wrap=True)
    sys.exit(code)


def settings_or_fail() -> Settings:
    """Settings, or a one-line message naming the bad setting."""
    try:
        return get_settings()
    except ConfigError as exc:
        fail(str(exc))


def load_state() -> AppState:
    """Settings plus database, signer and stores, as the web app builds them."""
    from peelian.main import build_state

    settings = settings_or_fail()
    try:
        return build_state(settings)
    except ValueError as exc:
        fail(str(exc))
