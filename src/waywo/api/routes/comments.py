"""Comment routes: filtered lists, one comment with its projects, extraction."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from waywo.api.deps import CeleryDep, EngineDep, SettingsDep
from waywo.api.params import LARGEST_ID, ItemId
from waywo.api.routes.tasks import queued_answer
from waywo.api.schemas.comments import (
    CommentDetail,
    CommentPage,
    CommentPublic,
    ExtractRequest,
    RetryRequest,
)
from waywo.api.schemas.tasks import TaskQueued
from waywo.clients.llm import require_llm
from waywo.errors import InvalidInputError
from waywo.services import comments
from waywo.storage.models import CommentState
from waywo.worker.dispatch import send_task

router = APIRouter(prefix="/api", tags=["comments"])


@router.get("/comments")
def list_comments(
    engine: EngineDep,
    post_id: Annotated[int | None, Query(ge=1, le=LARGEST_ID)] = None,
    state: CommentState | None = None,
    include_replies: bool = False,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CommentPage:
    """List comments in HN time order, by thread and extraction state."""
    page = comments.read_comments(
        engine,
        post_id=post_id,
        state=state,
        include_replies=include_replies,
        offset=offset,
        limit=limit,
    )
    return CommentPage(
        comments=[CommentPublic.model_validate(c) for c in page.comments],
        total=page.total,
        offset=offset,
        limit=limit,
    )


@router.get("/comments/{comment_id}")
def read_comment(comment_id: ItemId, engine: EngineDep) -> CommentDetail:
    """Return one comment, its thread, its plain text and its projects."""
    return CommentDetail.model_validate(comments.read_comment(engine, comment_id))


@router.post("/comments/{comment_id}/process", status_code=status.HTTP_202_ACCEPTED)
def process_comment(
    comment_id: ItemId,
    request: Request,
    settings: SettingsDep,
    engine: EngineDep,
    celery: CeleryDep,
) -> TaskQueued:
    """Queue the extraction of one top-level comment, processed before or not."""
    require_llm(settings)
    comment = comments.read_comment(engine, comment_id)
    if comment.parent_id is not None:
        raise InvalidInputError(
            f"Comment {comment_id} is a reply; only top-level comments describe "
            "projects"
        )
    task_id = send_task(
        celery, "waywo.extract_comment", comment_id=comment_id, force=True
    )
    return queued_answer(request, task_id)


@router.post("/extract", status_code=status.HTTP_202_ACCEPTED)
def extract_pending(
    body: ExtractRequest, request: Request, settings: SettingsDep, celery: CeleryDep
) -> TaskQueued:
    """Queue every pending comment (up to ``limit``); the task status counts them."""
    states = ["pending", "failed"] if body.retry_failed else ["pending"]
    return _queue_batch(request, settings, celery, body.limit, states)


@router.post("/comments/retry-failed", status_code=status.HTTP_202_ACCEPTED)
def retry_failed(
    body: RetryRequest, request: Request, settings: SettingsDep, celery: CeleryDep
) -> TaskQueued:
    """Put failed comments back to pending and queue them."""
    return _queue_batch(request, settings, celery, body.limit, ["failed"])


def _queue_batch(
    request: Request,
    settings: SettingsDep,
    celery: CeleryDep,
    limit: int | None,
    states: list[str],
) -> TaskQueued:
    require_llm(settings)
    task_id = send_task(celery, "waywo.extract_pending", limit=limit, states=states)
    return queued_answer(request, task_id)
