"""Collection tasks: all known threads, or one, with progress in the task state."""

import time
from collections.abc import Callable
from typing import Any

from celery import Task

from waywo.services.collect.run import (
    CollectProgress,
    collect_threads,
    discover_if_possible,
    list_thread_ids,
)
from waywo.worker.context import celery_app, worker_engine, worker_settings

PROGRESS_INTERVAL_SECONDS = 0.5


@celery_app.task(name="waywo.collect_threads", bind=True)
def collect_threads_task(
    self: Task,
    thread_ids: list[int] | None = None,
    limit_threads: int | None = None,
    limit_comments: int | None = None,
    discover: bool = False,
) -> dict[str, Any]:
    """Collect the given threads, or all known ones; progress goes to the result."""
    settings, engine = worker_settings(), worker_engine()
    discovery_error = discover_if_possible(settings, engine)[1] if discover else None
    ids = thread_ids or list_thread_ids(engine, limit_threads)
    return _collect_and_report(self, ids, limit_comments) | {
        "discovery_error": discovery_error
    }


@celery_app.task(name="waywo.collect_thread", bind=True)
def collect_thread_task(
    self: Task, thread_id: int, limit_comments: int | None = None
) -> dict[str, Any]:
    """Collect one thread."""
    return _collect_and_report(self, [thread_id], limit_comments)


def _collect_and_report(
    task: Task, thread_ids: list[int], limit_comments: int | None
) -> dict[str, Any]:
    """Collect the threads, storing progress in the task's state as it goes."""
    outcomes = collect_threads(
        worker_settings(),
        worker_engine(),
        thread_ids,
        limit_comments,
        on_progress=_progress_reporter(task),
    )
    return {
        "threads": [outcome.as_dict() for outcome in outcomes],
        "failed": sum(outcome.error is not None for outcome in outcomes),
    }


def _progress_reporter(task: Task) -> Callable[[CollectProgress], None]:
    """Return a callback that stores progress in the task state, twice a second."""
    last_sent = 0.0

    def report(progress: CollectProgress) -> None:
        nonlocal last_sent
        is_last = progress.threads_done == progress.threads_total
        if is_last or time.monotonic() - last_sent >= PROGRESS_INTERVAL_SECONDS:
            task.update_state(state="PROGRESS", meta={"progress": progress.as_dict()})
            last_sent = time.monotonic()

    return report
