"""``waywo up``: the API, a worker and maybe Redis in one tree, stopped by Ctrl-C."""

import signal
import time
from pathlib import Path

import httpx

from tests.support.loopback import closed_port
from tests.support.processes import (
    RunningWaywo,
    answers_health,
    ask_worker_health,
    run_waywo,
    start_waywo,
    still_running,
    wait_for_ready_worker,
    waywo_environment,
)
from waywo.redis_store import is_reachable
from waywo.settings import Settings

STOP_TIMEOUT_SECONDS = 30.0
FAILURE_TIMEOUT_SECONDS = 20.0


def wait_until_running(up: RunningWaywo, base_url: str) -> None:
    """Wait until the API answers and ``up`` has printed where it runs."""
    up.wait_until(lambda: answers_health(base_url), f"health at {base_url}")
    up.wait_until(lambda: base_url in up.stdout, f"{base_url} on stdout")


def read_stats(base_url: str) -> httpx.Response:
    """Return the answer of the statistics route."""
    return httpx.get(f"{base_url}/api/admin/stats", timeout=10.0)


def test_up_runs_api_and_worker_and_stops_them_all_on_ctrl_c(
    tmp_path: Path, settings: Settings
) -> None:
    """``up`` serves the API and runs tasks; Ctrl-C exits 0 and leaves no process."""
    port = closed_port()
    base_url = f"http://127.0.0.1:{port}"
    env = waywo_environment(settings.data_dir, settings.redis_url)
    arguments = ("up", f"--port={port}", "--concurrency=1")

    with start_waywo(*arguments, env=env, output_dir=tmp_path) as up:
        wait_until_running(up, base_url)
        stats = read_stats(base_url)
        wait_for_ready_worker(up)
        answer = ask_worker_health(settings)
        children = up.descendants()

        up.process.send_signal(signal.SIGINT)
        exit_code = up.process.wait(STOP_TIMEOUT_SECONDS)
        survivors = still_running(children, STOP_TIMEOUT_SECONDS)

    assert stats.status_code == 200
    assert stats.json()["redis_connected"] is True
    assert answer["status"] == "ok"
    assert answer["pid"] in {child.pid for child in children}
    assert exit_code == 0
    assert survivors == []


def test_up_starts_a_local_redis_and_stops_it_on_ctrl_c(tmp_path: Path) -> None:
    """With --start-redis and nothing on the URL's port, ``up`` runs its own Redis."""
    redis_url = f"redis://127.0.0.1:{closed_port()}/0"
    port = closed_port()
    base_url = f"http://127.0.0.1:{port}"
    env = waywo_environment(tmp_path / "data", redis_url)
    arguments = ("up", "--start-redis", f"--port={port}", "--concurrency=1")

    with start_waywo(*arguments, env=env, output_dir=tmp_path) as up:
        wait_until_running(up, base_url)
        stats = read_stats(base_url)

        up.process.send_signal(signal.SIGINT)
        exit_code = up.process.wait(STOP_TIMEOUT_SECONDS)
        is_redis_still_answering = is_reachable(redis_url)

    assert "started a local one" in up.stdout
    assert stats.json()["redis_connected"] is True
    assert exit_code == 0
    assert not is_redis_still_answering


def test_up_without_redis_and_told_not_to_start_one_fails_fast(tmp_path: Path) -> None:
    """With --no-start-redis and nothing on the URL, ``up`` exits 1 naming the URL."""
    redis_url = f"redis://127.0.0.1:{closed_port()}/0"
    env = waywo_environment(tmp_path / "data", redis_url)
    started = time.monotonic()

    result = run_waywo("up", "--no-start-redis", f"--port={closed_port()}", env=env)

    assert time.monotonic() - started < FAILURE_TIMEOUT_SECONDS
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"Error: Nothing answers at {redis_url}" in result.stderr
