"""Thread routes: list, one thread with its comments, chart data, add, collect."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from waywo.api.deps import CeleryDep, EngineDep, SettingsDep
from waywo.api.params import ItemId
from waywo.api.routes.tasks import queued_answer
from waywo.api.schemas.comments import CommentPublic
from waywo.api.schemas.posts import (
    CollectRequest,
    MonthFigures,
    PostDetail,
    PostPublic,
    ThreadCreate,
)
from waywo.api.schemas.tasks import TaskQueued
from waywo.services import comments, posts
from waywo.services.collect.catalogue import parse_thread_reference
from waywo.services.collect.run import add_thread
from waywo.worker.dispatch import send_task

router = APIRouter(prefix="/api", tags=["threads"])


@router.get("/posts")
def list_posts(engine: EngineDep) -> list[PostPublic]:
    """List the stored threads with their counts, newest month first."""
    return [PostPublic.model_validate(post) for post in posts.list_posts(engine)]


@router.get("/posts/chart")
def read_chart(engine: EngineDep) -> list[MonthFigures]:
    """Per month, oldest first: comments stored, HN's total, projects."""
    return [MonthFigures.model_validate(row) for row in posts.month_figures(engine)]


@router.get("/posts/{post_id}")
def read_post(
    post_id: ItemId,
    engine: EngineDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    include_replies: bool = False,
) -> PostDetail:
    """Return one thread and a page of its comments (top-level unless asked)."""
    summary = posts.read_post(engine, post_id)
    page = comments.read_comments(
        engine,
        post_id=post_id,
        include_replies=include_replies,
        offset=offset,
        limit=limit,
    )
    return PostDetail(
        **summary,
        comments=[CommentPublic.model_validate(c) for c in page.comments],
        comments_total=page.total,
        offset=offset,
        limit=limit,
    )


@router.post("/posts", status_code=status.HTTP_201_CREATED)
def create_post(
    body: ThreadCreate, settings: SettingsDep, engine: EngineDep
) -> PostPublic:
    """Add a thread by HN id or URL; anything but a story is refused (422)."""
    post = add_thread(settings, engine, body.thread)
    return PostPublic.model_validate(posts.read_post(engine, post.id))


@router.post("/collect", status_code=status.HTTP_202_ACCEPTED)
def start_collection(
    body: CollectRequest, request: Request, celery: CeleryDep
) -> TaskQueued:
    """Queue a collection of the given threads, or of all known ones."""
    thread_ids = (
        [parse_thread_reference(thread) for thread in body.threads]
        if body.threads
        else None
    )
    task_id = send_task(
        celery,
        "waywo.collect_threads",
        thread_ids=thread_ids,
        limit_threads=body.limit_threads,
        limit_comments=body.limit_comments,
        discover=body.discover,
    )
    return queued_answer(request, task_id)
