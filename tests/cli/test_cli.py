"""The ``waywo`` commands run as real processes: statistics, the index, the help."""

import json
import re
from dataclasses import asdict
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.support.loopback import closed_port
from tests.support.processes import run_waywo, waywo_environment
from tests.support.seed import seed_catalogue
from waywo.cli.app import app
from waywo.search.vector_index import INDEX_FILE
from waywo.settings import Settings

COMMAND_LINE = re.compile(r"^│ ([a-z]+) ", re.MULTILINE)


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    """Return an environment pointing waywo at the test's data dir and Redis."""
    return waywo_environment(settings.data_dir, settings.redis_url)


def block_the_index(data_dir: Path) -> Path:
    """Put a regular file where the index folder belongs; return the index's path."""
    data_dir.mkdir(parents=True)
    (data_dir / "index").write_text("not a folder")
    return data_dir / "index" / INDEX_FILE


def test_stats_prints_the_counts_and_redis_as_json(
    engine: Engine, env: dict[str, str]
) -> None:
    """``stats --json`` prints every row count of the database and a live Redis."""
    counts = seed_catalogue(engine)

    result = run_waywo("stats", "--json", env=env)

    figures = json.loads(result.stdout)
    assert result.returncode == 0
    assert {name: figures[name] for name in asdict(counts)} == asdict(counts)
    assert figures["redis_connected"] is True
    assert "redis_error" not in figures


def test_stats_without_redis_still_reports_the_counts(tmp_path: Path) -> None:
    """With nothing on the Redis port, ``stats`` exits 0 and says why Redis is out."""
    redis_url = f"redis://127.0.0.1:{closed_port()}/0"
    env = waywo_environment(tmp_path / "data", redis_url)

    result = run_waywo("stats", "--json", env=env)

    figures = json.loads(result.stdout)
    assert result.returncode == 0
    assert figures["posts_count"] == 0
    assert figures["redis_connected"] is False
    assert figures["redis_error"] == "Connection refused"


def test_index_rebuild_indexes_every_stored_embedding(
    engine: Engine, env: dict[str, str], settings: Settings
) -> None:
    """``index rebuild`` quantizes the seeded embeddings into the index file."""
    counts = seed_catalogue(engine)
    remote = {
        "WAYWO_EMBEDDER_PROVIDER": "remote",
        "WAYWO_EMBEDDER_MODEL": "test-embedder",
    }

    result = run_waywo("index", "rebuild", env=env | remote)

    assert result.returncode == 0
    assert f"Indexed {counts.projects_with_embeddings} vectors" in result.stdout
    assert (settings.index_dir / INDEX_FILE).is_file()


def test_index_rebuild_that_cannot_write_exits_1_with_a_message(
    settings: Settings, env: dict[str, str]
) -> None:
    """A rebuild blocked by a file says so in one error, without a traceback."""
    index_path = block_the_index(settings.data_dir)

    result = run_waywo("index", "rebuild", env=env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"Error: Cannot write the vector index at {index_path}" in result.stderr


def test_error_message_keeps_a_long_path_on_one_line(tmp_path: Path) -> None:
    """An error naming a path longer than 80 characters prints it unbroken."""
    data_dir = tmp_path / ("a-folder-with-a-long-name-" * 3) / "data"
    index_path = block_the_index(data_dir)
    env = waywo_environment(data_dir, f"redis://127.0.0.1:{closed_port()}/0")
    env.pop("COLUMNS", None)  # Rich would take its width from there

    result = run_waywo("index", "rebuild", env=env)

    assert str(index_path) in result.stderr


def test_a_malformed_setting_exits_1_naming_the_variable(
    env: dict[str, str],
) -> None:
    """A bad WAYWO_* value is one clear error line, not a traceback."""
    env |= {"WAYWO_PORT": "eighty", "WAYWO_HEALTH_TIMEOUT": "-1"}

    result = run_waywo("stats", env=env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: Invalid settings: WAYWO_PORT:")
    assert "WAYWO_HEALTH_TIMEOUT: Input should be greater than 0" in result.stderr


def test_help_lists_the_commands() -> None:
    """``--help`` names each command an operator needs."""
    result = CliRunner().invoke(app, ["--help"])

    assert result.exit_code == 0
    assert {"up", "serve", "worker", "stats", "index"} <= set(
        COMMAND_LINE.findall(result.output)
    )
