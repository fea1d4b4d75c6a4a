"""Collection queued through the API and run by a real ``waywo worker`` process."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from tests.conftest import STANDIN_THREAD_ID, run_api
from tests.standins.hn_server import HNStandin
from tests.support.hn import stored_comments
from tests.support.processes import (
    RunningWaywo,
    start_waywo,
    wait_for_ready_worker,
    waywo_environment,
)
from waywo.settings import Settings

TASK_TIMEOUT_SECONDS = 60.0


@pytest.fixture
def slow_hn_worker(
    tmp_path: Path, hn_settings: Settings, hn_standin: HNStandin
) -> Iterator[RunningWaywo]:
    """Run a worker that walks Firebase two items at a time, 50 ms each."""
    hn_standin.faults.latency_seconds = 0.05
    env = waywo_environment(hn_settings.data_dir, hn_settings.redis_url) | {
        "WAYWO_HN_FIREBASE_URL": hn_settings.hn_firebase_url,
        "WAYWO_HN_ALGOLIA_URL": hn_settings.hn_algolia_url,
        "WAYWO_HN_SOURCE": "firebase",
        "WAYWO_HN_CONCURRENCY": "2",
    }
    with start_waywo(
        "worker", "--concurrency=1", env=env, output_dir=tmp_path / "worker"
    ) as running:
        wait_for_ready_worker(running)
        yield running


@pytest.mark.usefixtures("slow_hn_worker")
def test_a_queued_collection_reports_progress_then_its_result(
    hn_settings: Settings, engine: Engine
) -> None:
    """The task status shows threads and comments as they go, then what changed."""
    for url in run_api(hn_settings):
        with httpx.Client(base_url=url, timeout=30) as api:
            queued = api.post(
                "/api/collect", json={"threads": [str(STANDIN_THREAD_ID)]}
            )
            statuses = poll_until_done(api, queued.json()["status_url"])

    progress = [status["progress"] for status in statuses if status["progress"]]
    final = statuses[-1]
    assert queued.status_code == 202
    assert final["state"] == "SUCCESS", final
    assert progress and progress[0]["threads_total"] == 1
    assert any(0 < p["items_fetched"] < 37 for p in progress)
    assert final["result"]["failed"] == 0
    assert final["result"]["threads"][0]["added"] == 36
    assert len(stored_comments(engine)) == 36


def poll_until_done(api: httpx.Client, status_url: str) -> list[dict[str, object]]:
    """Read the task status every 50 ms until it succeeds or fails."""
    deadline = time.monotonic() + TASK_TIMEOUT_SECONDS
    statuses = []
    while time.monotonic() < deadline:
        status = api.get(status_url).json()
        statuses.append(status)
        if status["state"] in ("SUCCESS", "FAILURE"):
            return statuses
        time.sleep(0.05)
    raise AssertionError(f"The task did not finish: {statuses[-1]}")
