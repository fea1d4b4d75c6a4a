"""``waywo up``: the whole system in one process tree, stopped cleanly by Ctrl-C."""

import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Annotated

import httpx
import typer

from waywo import local_redis, redis_store
from waywo.cli.app import app, console, load_settings
from waywo.errors import ServiceUnavailableError
from waywo.settings import Settings
from waywo.storage.database import open_database

STARTUP_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0


class StopRequested(Exception):
    """SIGTERM or SIGINT arrived."""


@app.command()
def up(
    host: Annotated[str | None, typer.Option(help="Address for the API.")] = None,
    port: Annotated[int | None, typer.Option(help="Port for the API.")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Worker tasks.")] = 2,
    start_redis: Annotated[
        bool | None,
        typer.Option(
            "--start-redis/--no-start-redis",
            help="Start a local Redis when none answers "
            "[default: only for the default URL].",
        ),
    ] = None,
) -> None:
    """Run everything: migrations, Redis if needed, a worker and the API."""
    settings = load_settings()
    host = host or settings.host
    port = port or settings.port

    open_database(settings)
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        redis_process = _ensure_redis(settings, start_redis)
        if redis_process:
            children.append(("redis", redis_process))
        children.append(("worker", _spawn("worker", f"--concurrency={concurrency}")))
        children.append(("api", _spawn("serve", f"--host={host}", f"--port={port}")))

        url = f"http://{host}:{port}"
        _wait_for_api(url, children)
        console.print(
            f"[bold green]waywo is running at {url}[/]  (API docs: {url}/docs)"
        )
        console.print("Press Ctrl-C to stop.")
        _watch(children)
    except StopRequested:
        console.print("Stopping waywo...")
    finally:
        _stop(children)


def _raise_stop(_signal: int, _frame: FrameType | None) -> None:
    raise StopRequested


def _ensure_redis(
    settings: Settings, start_redis: bool | None
) -> subprocess.Popen[bytes] | None:
    """Return a Redis process we started, or None when one already answers."""
    shown_url = redis_store.redacted_url(settings)
    if redis_store.is_reachable(settings.redis_url):
        console.print(f"Using Redis at {shown_url}.")
        return None

    should_start = settings.uses_default_redis if start_redis is None else start_redis
    if not should_start or not local_redis.is_local(settings.redis_url):
        raise ServiceUnavailableError(
            f"Nothing answers at {shown_url}: start Redis there, or unset "
            "WAYWO_REDIS_URL to let waywo start a local one"
        )
    process = local_redis.start(settings.redis_url, settings.data_dir / "redis")
    origin = local_redis.find_server_binary()[1]
    console.print(
        f"No Redis answered at {shown_url}: started a local one ({origin}).",
        soft_wrap=True,
    )
    return process


def _spawn(*arguments: str) -> subprocess.Popen[bytes]:
    """Start a waywo subcommand in its own session, so Ctrl-C reaches only us."""
    return subprocess.Popen(
        [sys.executable, "-m", "waywo", *arguments],
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for_api(
    url: str, children: list[tuple[str, subprocess.Popen[bytes]]]
) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        _raise_if_any_exited(children)
        try:
            if httpx.get(f"{url}/api/health", timeout=1.0).is_success:
                return
        except httpx.HTTPError:
            pass  # not listening yet
        time.sleep(0.2)
    raise ServiceUnavailableError(f"The API did not answer at {url} in time")


def _watch(children: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    while True:
        _raise_if_any_exited(children)
        time.sleep(0.5)


def _raise_if_any_exited(children: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for name, process in children:
        code = process.poll()
        if code is not None:
            raise ServiceUnavailableError(f"The {name} process exited with code {code}")


def _stop(children: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    """Stop the API first, then the worker, then Redis, each with a grace period."""
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.SIG_IGN)
    for name, process in reversed(children):
        if process.poll() is not None:
            continue
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            console.print(f"The {name} process did not stop in time; killing it.")
            process.kill()
            process.wait()
