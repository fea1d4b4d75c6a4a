"""Run ``waywo`` commands as real processes, with bounded waits and a sure clean-up."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from waywo.settings import Settings
from waywo.worker.app import create_celery

WAYWO_COMMAND = (sys.executable, "-m", "waywo")
COMMAND_TIMEOUT_SECONDS = 60.0
STARTUP_TIMEOUT_SECONDS = 60.0
HEALTH_TASK_TIMEOUT_SECONDS = 60.0
KILL_TIMEOUT_SECONDS = 10.0
WORKER_READY_LOG = re.compile(r"celery\.apps\.worker: waywo@\S+ ready\.")


def waywo_environment(data_dir: Path, redis_url: str) -> dict[str, str]:
    """Return this process's environment with waywo pointed at a data dir and Redis."""
    return {
        **os.environ,
        "WAYWO_DATA_DIR": str(data_dir),
        "WAYWO_REDIS_URL": redis_url,
    }


def run_waywo(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a waywo command to its end; return its exit code and output."""
    return subprocess.run(
        [*WAYWO_COMMAND, *arguments],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
    )


@dataclass
class RunningWaywo:
    """A waywo command running in the background, writing its output to files."""

    process: subprocess.Popen[bytes]
    output_dir: Path
    seen_descendants: set[psutil.Process] = field(default_factory=set)

    @property
    def stdout(self) -> str:
        """Return what the command printed on stdout so far."""
        return (self.output_dir / "stdout").read_text(errors="replace")

    @property
    def stderr(self) -> str:
        """Return what the command printed on stderr so far."""
        return (self.output_dir / "stderr").read_text(errors="replace")

    def descendants(self) -> list[psutil.Process]:
        """Return the processes it started and theirs, remembering them for clean-up."""
        found = psutil.Process(self.process.pid).children(recursive=True)
        self.seen_descendants.update(found)
        return found

    def wait_until(self, is_done: Callable[[], bool], what: str) -> None:
        """Poll until ``is_done`` holds; fail at the deadline or if the command ends."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not is_done():
            code = self.process.poll()
            if code is not None:
                raise AssertionError(
                    f"waywo exited with code {code} before {what}:\n{self.stderr}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"No {what} in {STARTUP_TIMEOUT_SECONDS} s")
            time.sleep(0.1)

    def kill_all(self) -> None:
        """Kill the command and every process it started, wherever their session."""
        with suppress(psutil.NoSuchProcess):
            self.descendants()
        self.process.kill()
        for descendant in self.seen_descendants:
            with suppress(psutil.NoSuchProcess):
                descendant.kill()
        self.process.wait(KILL_TIMEOUT_SECONDS)
        still_running(self.seen_descendants, KILL_TIMEOUT_SECONDS)


def still_running(
    processes: Iterable[psutil.Process], timeout: float
) -> list[psutil.Process]:
    """Wait up to ``timeout`` seconds for the processes to end; return the others.

    A zombie has ended: it only waits for its new parent, PID 1, to reap it.
    """
    deadline = time.monotonic() + timeout
    while True:
        running = [process for process in processes if _is_running(process)]
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.05)


def _is_running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@contextmanager
def start_waywo(
    *arguments: str, env: dict[str, str], output_dir: Path
) -> Iterator[RunningWaywo]:
    """Start a waywo command; at the end, kill it and everything it started."""
    output_dir.mkdir(parents=True, exist_ok=True)
    with (
        (output_dir / "stdout").open("wb") as stdout,
        (output_dir / "stderr").open("wb") as stderr,
    ):
        process = subprocess.Popen(
            [*WAYWO_COMMAND, *arguments],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
        )
    running = RunningWaywo(process, output_dir)
    try:
        yield running
    finally:
        running.kill_all()


def answers_health(base_url: str) -> bool:
    """Tell whether the API at this URL answers its liveness route with 200."""
    try:
        return httpx.get(f"{base_url}/api/health", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def wait_for_ready_worker(running: RunningWaywo) -> None:
    """Wait until a worker started by this command says it is ready.

    Tasks are sent only then: a task queued earlier waits in Redis DB 15, where
    another test session's flush (the database is shared) could remove it.
    """
    running.wait_until(
        lambda: WORKER_READY_LOG.search(running.stderr) is not None, "a ready worker"
    )


def ask_worker_health(settings: Settings) -> dict[str, object]:
    """Send the health task through Redis; return what the worker that ran it said."""
    celery = create_celery(settings)
    try:
        answer = celery.send_task("waywo.health").get(
            timeout=HEALTH_TASK_TIMEOUT_SECONDS
        )
    finally:
        celery.close()
    return dict(answer)
