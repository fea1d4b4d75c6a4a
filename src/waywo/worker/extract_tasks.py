"""Extraction tasks: one comment by id, and a batch that queues pending ones.

The batch queues one task per comment; the worker pools bound how many run at
once (``waywo worker --concurrency N`` on each machine).
"""

from typing import Any

from celery import Task

from waywo.services.extract.batch import reset_failed, select_comments
from waywo.services.extract.process import Status
from waywo.storage.models import CommentState
from waywo.worker.context import (
    celery_app,
    worker_engine,
    worker_extractor,
    worker_settings,
)

FIRST_RETRY_SECONDS = 5.0
LONGEST_RETRY_SECONDS = 300.0


@celery_app.task(
    name="waywo.extract_comment",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    time_limit=worker_settings().extract_time_limit,
)
def extract_comment_task(
    self: Task, comment_id: int, force: bool = False
) -> dict[str, Any]:
    """Extract one comment; safe to run twice, retried with backoff while pending.

    The database counts the attempts and marks the comment failed at the limit,
    so Celery's own retry count needs no limit.
    """
    outcome = worker_extractor().extract(comment_id, force=force)
    if outcome.status == Status.PENDING:
        raise self.retry(countdown=_backoff(self.request.retries))
    if outcome.status == Status.BUSY:
        raise self.retry(countdown=_backoff(0))
    return outcome.as_dict()


@celery_app.task(name="waywo.extract_pending")
def extract_pending_task(
    limit: int | None = None, states: list[str] | None = None
) -> dict[str, Any]:
    """Queue a task for each comment in these states (pending by default).

    Failed comments among them go back to pending with a fresh attempt count.
    """
    engine = worker_engine()
    wanted = [CommentState(state) for state in states or ["pending"]]
    ids = select_comments(engine, limit, wanted)
    reset_failed(engine, ids)
    for comment_id in ids:
        extract_comment_task.delay(comment_id)
    return {"queued": len(ids), "comment_ids": ids}


def _backoff(retries: int) -> float:
    """Double the wait each time, staying well inside the redelivery timeout."""
    longest = min(LONGEST_RETRY_SECONDS, worker_settings().task_visibility_timeout / 2)
    return min(FIRST_RETRY_SECONDS * 2**retries, longest)
