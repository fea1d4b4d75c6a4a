"""``waywo serve``: where it listens by default."""

from pathlib import Path

import psutil

from tests.support.loopback import closed_port
from tests.support.processes import answers_health, start_waywo, waywo_environment
from waywo.settings import Settings


def test_serve_listens_on_loopback_only(settings: Settings, tmp_path: Path) -> None:
    """Unless told otherwise, the API binds 127.0.0.1, not every interface."""
    port = closed_port()
    env = waywo_environment(settings.data_dir, settings.redis_url)
    env["WAYWO_PORT"] = str(port)

    with start_waywo("serve", env=env, output_dir=tmp_path / "serve") as running:
        running.wait_until(lambda: answers_health(f"http://127.0.0.1:{port}"), "ready")
        listening = [
            connection.laddr
            for connection in psutil.Process(running.process.pid).net_connections()
            if connection.status == psutil.CONN_LISTEN
        ]

    assert [(address.ip, address.port) for address in listening] == [
        ("127.0.0.1", port)
    ]
