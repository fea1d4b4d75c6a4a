"""Operator commands: statistics and the vector index."""

import json
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from waywo.cli.app import app, console, index_app, load_settings
from waywo.clients.providers import open_embedder
from waywo.search.vector_index import VectorIndex
from waywo.services import admin
from waywo.services.reembed import reembed
from waywo.storage.database import open_database


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show row counts and the state of Redis."""
    settings = load_settings()
    engine = open_database(settings)

    figures = admin.read_stats(settings, engine)

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
    engine = open_database(settings)

    _rebuild(VectorIndex(settings.index_dir, engine, settings.embedding_model))


@index_app.command("reembed")
def reembed_projects() -> None:
    """Re-embed projects whose vectors are of another model, then rebuild."""
    settings = load_settings()
    engine = open_database(settings)

    embedder = open_embedder(settings)
    try:
        with Progress(
            TextColumn("re-embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("reembed", total=None)
            done = reembed(
                engine,
                embedder,
                settings.embedder_batch_size,
                lambda p: bar.update(task, total=p.total, completed=p.done),
            )
    finally:
        embedder.close()
    console.print(f"Re-embedded {done.done} projects with {embedder.model}.")
    _rebuild(VectorIndex(settings.index_dir, engine, settings.embedding_model))


def _rebuild(index: VectorIndex) -> None:
    with console.status("Rebuilding the vector index..."):
        summary = admin.rebuild_index(index)
    console.print(
        f"Indexed {summary.vectors} vectors of {summary.dimension} dimensions "
        f"(model {summary.model or 'none'}) in {summary.seconds:.2f} s."
    )
