"""Commands that run one part of the system: the API, a worker, the migrations."""

from typing import Annotated

import typer
import uvicorn

from waywo.api.app import create_app
from waywo.cli.app import app, console, load_settings
from waywo.storage.database import open_database


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Run the HTTP API (and pages) on 127.0.0.1:8008 unless told otherwise."""
    settings = load_settings()
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
    )


@app.command()
def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, help="Tasks run at the same time.")
    ] = 2,
) -> None:
    """Run a Celery worker that takes tasks from Redis."""
    settings = load_settings()
    open_database(settings)

    from waywo.worker.tasks import celery_app  # imported late: reads settings

    celery_app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            f"--loglevel={settings.log_level.upper()}",
            "--hostname=waywo@%h",
        ]
    )


@app.command("migrate")
def migrate_command() -> None:
    """Bring the database schema up to date (every command does this on start)."""
    settings = load_settings()
    open_database(settings)
    console.print(f"Database {settings.database_path} is up to date.")
