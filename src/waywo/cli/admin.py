"""Operator commands: statistics and the vector index."""

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from waywo import redis_store
from waywo.cli.app import app, console, index_app, load_settings
from waywo.errors import ServiceUnavailableError
from waywo.search.vector_index import VectorIndex
from waywo.services import admin
from waywo.storage.database import get_engine, migrate


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show row counts and the state of Redis."""
    settings = load_settings()
    engine = get_engine(settings.database_path, settings.sqlite_busy_timeout)
    migrate(engine)

    figures: dict[str, object] = asdict(admin.count_rows(engine))
    try:
        redis_stats = redis_store.read_stats(settings)
        figures |= {
            "redis_connected": True,
            "redis_keys": redis_stats.keys_count,
            "redis_memory_used": redis_stats.memory_used,
        }
    except ServiceUnavailableError as exc:
        figures |= {"redis_connected": False, "redis_error": exc.message}

    if as_json:
        console.print_json(json.dumps(figures))
        return
    table = Table("what", "count", title="waywo")
    for name, value in figures.items():
        table.add_row(name.replace("_", " "), str(value))
    console.print(table)


@index_app.command("rebuild")
def rebuild_index() -> None:
    """Rebuild the quantized vector index from the stored embeddings."""
    settings = load_settings()
    engine = get_engine(settings.database_path, settings.sqlite_busy_timeout)
    migrate(engine)

    index = VectorIndex(settings.index_dir, engine, settings.embedder_model)
    with console.status("Rebuilding the vector index..."):
        summary = admin.rebuild_index(index)
    console.print(
        f"Indexed {summary.vectors} vectors of {summary.dimension} dimensions "
        f"(model {summary.model or 'none'}) in {summary.seconds:.2f} s."
    )
