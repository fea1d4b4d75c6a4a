"""A real ``waywo worker`` process, taking tasks from the test Redis database."""

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import TEST_REDIS_DB
from tests.support.processes import (
    RunningWaywo,
    ask_worker_health,
    start_waywo,
    still_running,
    wait_for_ready_worker,
    waywo_environment,
)
from waywo.settings import Settings

STOP_TIMEOUT_SECONDS = 20.0


@pytest.fixture
def worker(tmp_path: Path, settings: Settings) -> Iterator[RunningWaywo]:
    """Run a ready ``waywo worker`` on the test's data dir and Redis; kill it after."""
    env = waywo_environment(settings.data_dir, settings.redis_url)
    with start_waywo(
        "worker", "--concurrency=1", env=env, output_dir=tmp_path / "worker"
    ) as running:
        wait_for_ready_worker(running)
        yield running


def test_worker_runs_the_health_task_in_its_pool(
    worker: RunningWaywo, settings: Settings
) -> None:
    """A task sent through Redis runs in the worker's pool process, not in ours."""
    answer = ask_worker_health(settings)

    pool_pids = {child.pid for child in worker.descendants()}
    assert answer["status"] == "ok"
    assert answer["pid"] in pool_pids
    assert answer["pid"] != os.getpid()


def test_task_result_is_stored_in_the_configured_database_only(
    worker: RunningWaywo, settings: Settings, redis_server: str
) -> None:
    """The result of a task lands in DB 15 and in none of the databases below it."""
    ask_worker_health(settings)

    with redis.Redis.from_url(settings.redis_url) as own_database:
        result_keys = own_database.keys("celery-task-meta-*")
    databases_with_the_result = []
    for number in range(TEST_REDIS_DB):
        with redis.Redis.from_url(f"{redis_server}/{number}") as other_database:
            if other_database.exists(*result_keys):
                databases_with_the_result.append(number)
    assert len(result_keys) == 1
    assert databases_with_the_result == []


def test_worker_stops_on_sigterm(worker: RunningWaywo) -> None:
    """SIGTERM makes a ready worker shut down warmly, pool included, and exit 0."""
    pool = worker.descendants()

    worker.process.send_signal(signal.SIGTERM)

    assert worker.process.wait(STOP_TIMEOUT_SECONDS) == 0
    assert still_running(pool, STOP_TIMEOUT_SECONDS) == []
