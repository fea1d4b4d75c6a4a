"""The Typer app every command module registers on, and the shared consoles."""

import typer
from rich.console import Console

from waywo.logs import configure_logging
from waywo.settings import Settings, read_settings

app = typer.Typer(
    name="waywo",
    help="Index the projects of Hacker News' 'What are you working on?' threads.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
index_app = typer.Typer(help="Manage the vector index.", no_args_is_help=True)
app.add_typer(index_app, name="index")
threads_app = typer.Typer(help="Add and list HN threads.", no_args_is_help=True)
app.add_typer(threads_app, name="threads")

console = Console()
error_console = Console(stderr=True, soft_wrap=True)


def load_settings() -> Settings:
    """Read the settings and set up logging, as every command does first."""
    settings = read_settings()
    configure_logging(settings.log_level)
    return settings
