"""Extraction queued through the API and run by real ``waywo worker`` processes."""

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select

from tests.conftest import run_api
from tests.standins.openai_server import ChatScript
from tests.support.processes import (
    RunningWaywo,
    start_waywo,
    wait_for_ready_worker,
    waywo_environment,
)
from tests.support.seed import seed_comments
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, CommentState, Project

DONE_TIMEOUT_SECONDS = 90.0
WorkerStarter = Callable[[str], AbstractContextManager[RunningWaywo]]


@pytest.fixture
def start_worker(tmp_path: Path, ai_settings: Settings) -> WorkerStarter:
    """Return a starter of workers on the stand-ins; a lost task returns in 3 s."""
    env = waywo_environment(ai_settings.data_dir, ai_settings.redis_url) | {
        "WAYWO_LLM_URL": str(ai_settings.llm_url),
        "WAYWO_LLM_MODEL": "standin-llm",
        "WAYWO_EMBEDDER_URL": str(ai_settings.embedder_url),
        "WAYWO_EMBEDDER_MODEL": "standin-embedder",
        "WAYWO_TASK_VISIBILITY_TIMEOUT": "3",
        "WAYWO_EXTRACT_TIME_LIMIT": "3",
    }

    def start(name: str) -> AbstractContextManager[RunningWaywo]:
        return start_waywo(
            "worker", "--concurrency=2", env=env, output_dir=tmp_path / name
        )

    return start


@pytest.fixture
def api(ai_settings: Settings, engine: Engine) -> Iterator[httpx.Client]:
    """Yield a client of the real app configured with the stand-ins."""
    for url in run_api(ai_settings):
        with httpx.Client(base_url=url, timeout=30) as client:
            yield client


def count_projects_by_comment(engine: Engine) -> dict[int, int]:
    """Return how many projects each comment has."""
    with session_scope(engine) as session:
        return dict(
            session.execute(  # type: ignore[arg-type]
                select(Project.comment_id, func.count()).group_by(Project.comment_id)
            ).all()
        )


def processed_count(engine: Engine) -> int:
    """Return how many comments are processed."""
    with session_scope(engine) as session:
        return int(
            session.scalar(
                select(func.count()).where(Comment.state == CommentState.PROCESSED)
            )
            or 0
        )


def wait_for(is_done: Callable[[], bool], what: str) -> None:
    """Poll every 100 ms until ``is_done`` holds, or fail at the deadline."""
    deadline = time.monotonic() + DONE_TIMEOUT_SECONDS
    while not is_done():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.1)


def test_fifty_queued_comments_all_end_processed(
    start_worker: WorkerStarter,
    api: httpx.Client,
    engine: Engine,
    chat_script: ChatScript,
) -> None:
    """The batch task queues one task per comment; its status counts them."""
    ids = seed_comments(engine, [f"Project number {n} is a tool" for n in range(50)])
    chat_script.latency_seconds = 0.05

    with start_worker("worker") as worker:
        wait_for_ready_worker(worker)
        queued = api.post("/api/extract", json={}).json()
        wait_for(lambda: processed_count(engine) == 50, "50 processed comments")
        status = api.get(queued["status_url"]).json()

    assert status["state"] == "SUCCESS"
    assert status["result"]["queued"] == 50
    assert status["progress"] == {"total": 50, "done": 50, "pending": 0,
                                  "processed": 50, "failed": 0}  # fmt: skip
    assert count_projects_by_comment(engine) == dict.fromkeys(ids, 1)


def test_a_killed_worker_loses_no_comment_and_duplicates_none(
    start_worker: WorkerStarter,
    api: httpx.Client,
    engine: Engine,
    chat_script: ChatScript,
) -> None:
    """SIGKILL mid-batch; another worker finishes every comment exactly once."""
    ids = seed_comments(engine, [f"Project number {n} is a tool" for n in range(50)])
    chat_script.latency_seconds = 0.3

    with start_worker("first") as first:
        wait_for_ready_worker(first)
        api.post("/api/extract", json={})
        wait_for(lambda: processed_count(engine) >= 10, "10 processed comments")
        first.kill_all()
    killed_at = processed_count(engine)
    with start_worker("second") as second:
        wait_for_ready_worker(second)
        wait_for(lambda: processed_count(engine) == 50, "50 processed comments")

    assert killed_at < 50
    assert count_projects_by_comment(engine) == dict.fromkeys(ids, 1)
    with session_scope(engine) as session:
        leases = session.scalars(select(Comment.lease_owner)).all()
        calls = session.scalars(select(Comment.llm_calls)).all()
    assert set(leases) == {None}
    assert set(calls) == {1}
