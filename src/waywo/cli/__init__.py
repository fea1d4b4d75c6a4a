"""The ``waywo`` command line: a thin layer over the services."""

from waywo.cli import (  # noqa: F401  (registers the commands)
    admin,
    collect,
    extract,
    run,
    search,
    up,
)
from waywo.cli.app import app, error_console
from waywo.errors import WaywoError


def main() -> None:
    """Run the CLI, turning waywo's errors into a message and exit code 1."""
    try:
        app()
    except WaywoError as exc:
        error_console.print(f"[bold red]Error:[/] {exc.message}", highlight=False)
        raise SystemExit(1) from None
