"""``waywo collect`` and ``waywo threads``: fetch HN threads into the database."""

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from waywo.cli.app import app, console, error_console, load_settings, threads_app
from waywo.services import posts
from waywo.services.collect.catalogue import parse_thread_reference
from waywo.services.collect.run import (
    CollectProgress,
    ThreadOutcome,
    add_thread,
    collect_threads,
    discover_if_possible,
    list_thread_ids,
)
from waywo.storage.database import open_database


@app.command()
def collect(
    thread: Annotated[
        list[str] | None,
        typer.Option(help="HN id or URL of a thread; repeat for several."),
    ] = None,
    limit_threads: Annotated[
        int | None, typer.Option(min=1, help="Only the N newest threads.")
    ] = None,
    limit_comments: Annotated[
        int | None, typer.Option(min=1, help="Only the first N top-level comments.")
    ] = None,
    discover: Annotated[
        bool, typer.Option(help="Look for new monthly threads first.")
    ] = False,
) -> None:
    """Fetch threads and their comments from HN, in the foreground."""
    chosen_ids = [parse_thread_reference(reference) for reference in thread or []]
    settings = load_settings()
    engine = open_database(settings)

    if discover:
        found, error = discover_if_possible(settings, engine)
        if error:
            error_console.print(
                f"Warning: discovery failed ({error}); known threads only"
            )
        else:
            console.print(f"Discovery found {len(found)} new thread(s).")
    thread_ids = chosen_ids or list_thread_ids(engine, limit_threads)

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
    ) as bar:
        threads_bar = bar.add_task("threads", total=len(thread_ids))
        comments_bar = bar.add_task("comments", total=None)

        def show(progress: CollectProgress) -> None:
            bar.update(threads_bar, completed=progress.threads_done)
            bar.update(
                comments_bar,
                completed=progress.comments_done,
                total=progress.comments_total or None,
            )

        outcomes = collect_threads(
            settings, engine, thread_ids, limit_comments, on_progress=show
        )

    _print_outcomes(outcomes)
    failures = [outcome for outcome in outcomes if outcome.error]
    if failures:
        for failure in failures:
            error_console.print(
                f"[bold red]Error:[/] thread {failure.thread_id}: {failure.error}"
            )
        raise typer.Exit(1)


def _print_outcomes(outcomes: list[ThreadOutcome]) -> None:
    table = Table("thread", "title", "added", "updated", "deleted", "unreachable")
    for outcome in outcomes:
        stored = outcome.stored
        table.add_row(
            str(outcome.thread_id),
            outcome.title or "-",
            str(stored.added) if stored else "-",
            str(stored.updated) if stored else "-",
            str(stored.marked_deleted) if stored else "-",
            ", ".join(map(str, sorted(outcome.unreachable))) or "-",
        )
    console.print(table)


@threads_app.command("add")
def add(reference: Annotated[str, typer.Argument(help="HN id or URL.")]) -> None:
    """Add a thread by HN id or URL, without collecting it yet."""
    settings = load_settings()
    engine = open_database(settings)

    post = add_thread(settings, engine, reference)
    console.print(
        f"Added thread {post.id}: {post.title} ({post.year}-{post.month:02d})"
    )


@threads_app.command("list")
def list_threads() -> None:
    """List stored threads with their comment and project counts."""
    settings = load_settings()
    engine = open_database(settings)

    table = Table("id", "month", "title", "comments", "HN total", "projects")
    for post in posts.list_posts(engine):
        table.add_row(
            str(post["id"]),
            f"{post['year']}-{post['month']:02d}",
            post["title"],
            str(post["comments_count"]),
            str(post["descendants"] or "-"),
            str(post["projects_count"]),
        )
    console.print(table)
