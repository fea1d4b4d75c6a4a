"""``waywo extract``: turn pending comments into projects with the LLM."""

from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from waywo.cli.app import app, console, error_console, load_settings
from waywo.clients.llm import require_llm
from waywo.services.extract.batch import (
    ExtractProgress,
    extract_comments,
    reset_failed,
    select_comments,
)
from waywo.services.extract.process import Extractor, Outcome, Status
from waywo.settings import Settings
from waywo.storage.database import open_database
from waywo.storage.models import CommentState
from waywo.worker.app import create_celery
from waywo.worker.dispatch import send_task

SHOWN_ERRORS = 5


@app.command()
def extract(
    limit: Annotated[
        int | None, typer.Option(min=1, help="At most N comments.")
    ] = None,
    comment: Annotated[
        int | None, typer.Option(help="Only this comment, processed before or not.")
    ] = None,
    retry_failed: Annotated[
        bool, typer.Option(help="Put failed comments back to pending first.")
    ] = False,
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Comments in flight [default: setting]."),
    ] = None,
    queue: Annotated[
        bool, typer.Option(help="Hand the work to the Celery workers instead.")
    ] = False,
) -> None:
    """Extract projects from pending comments, in the foreground by default."""
    settings = load_settings()
    require_llm(settings)
    engine = open_database(settings)

    states = [CommentState.PENDING]
    if retry_failed:
        states.append(CommentState.FAILED)
    if queue:
        _queue(settings, comment, limit, states)
        return

    comment_ids = [comment] if comment else select_comments(engine, limit, states)
    reset_failed(engine, comment_ids)
    extractor = Extractor.open(settings, engine)
    try:
        outcomes = _run_with_progress(
            extractor,
            comment_ids,
            concurrency or settings.extract_concurrency,
            force=comment is not None,
        )
    finally:
        extractor.close()
    _report(outcomes)


def _queue(
    settings: Settings,
    comment: int | None,
    limit: int | None,
    states: list[CommentState],
) -> None:
    celery = create_celery(settings)
    if comment:
        task_id = send_task(
            celery, "waywo.extract_comment", comment_id=comment, force=True
        )
    else:
        task_id = send_task(
            celery,
            "waywo.extract_pending",
            limit=limit,
            states=[str(state) for state in states],
        )
    console.print(f"Queued task {task_id}; follow it at /api/tasks/{task_id}")


def _run_with_progress(
    extractor: Extractor, comment_ids: list[int], concurrency: int, force: bool
) -> list[Outcome]:
    with Progress(
        TextColumn("comments"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[figures]}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("extract", total=len(comment_ids), figures="")

        def show(progress: ExtractProgress) -> None:
            bar.update(
                task,
                completed=progress.done,
                figures=f"{progress.llm_calls} calls · {progress.tokens} tokens · "
                f"{progress.failed} failures",
            )

        return extract_comments(
            extractor, comment_ids, concurrency, on_progress=show, force=force
        )


def _report(outcomes: list[Outcome]) -> None:
    processed = [o for o in outcomes if o.status == Status.PROCESSED]
    failures = [o for o in outcomes if o.status in (Status.PENDING, Status.FAILED)]
    console.print(
        f"{len(processed)} processed ({sum(o.projects for o in processed)} projects), "
        f"{len(failures)} failed, {len(outcomes) - len(processed) - len(failures)} "
        "skipped."
    )
    for failure in failures[:SHOWN_ERRORS]:
        state = "failed" if failure.status == Status.FAILED else "still pending"
        error_console.print(
            f"[bold red]Error:[/] comment {failure.comment_id} ({state}): "
            f"{failure.error}",
            highlight=False,
        )
    if failures:
        raise typer.Exit(1)
