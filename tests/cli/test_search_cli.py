"""``waywo search`` as a real process, on the showcase catalogue."""

import json
from functools import partial

import pytest
from sqlalchemy import Engine

from tests.standins.openai_server import hashed_embedding
from tests.support.processes import run_waywo, waywo_environment
from tests.support.seed import seed_showcase
from waywo.settings import Settings


@pytest.fixture
def env(ai_settings: Settings, engine: Engine) -> dict[str, str]:
    """Seed the showcase; return an environment with the embedder stand-in."""
    seed_showcase(engine, partial(hashed_embedding, dimension=64), "standin-embedder")
    return waywo_environment(ai_settings.data_dir, ai_settings.redis_url) | {
        "WAYWO_EMBEDDER_URL": str(ai_settings.embedder_url),
        "WAYWO_EMBEDDER_MODEL": "standin-embedder",
        "COLUMNS": "200",
    }


def test_search_json_prints_one_object_per_result(env: dict[str, str]) -> None:
    """Each line is an object with id, title, similarity and rerank score."""
    result = run_waywo("search", "pottery kiln", "--limit", "2", "--json", env=env)

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0, result.stderr
    assert len(lines) == 2
    assert set(lines[0]) == {"id", "title", "similarity", "rerank_score"}
    assert lines[0]["title"] == "Kiln"
    assert 0 < lines[0]["rerank_score"] <= 1  # the local reranker, by default


def test_search_table_takes_the_filters(env: dict[str, str]) -> None:
    """A filtered search prints a table of what passes, and its count."""
    result = run_waywo(
        "search", "tool", "--author", "ana", "--month-from", "2024-08", env=env
    )

    assert result.returncode == 0, result.stderr
    assert "GardenBot" in result.stdout and "Tidepool" not in result.stdout
    assert "1 found (hybrid)" in result.stdout


def test_search_refuses_a_malformed_month(env: dict[str, str]) -> None:
    """One line naming the option; exit code 1."""
    result = run_waywo("search", "x", "--month-from", "August", env=env)

    assert result.returncode == 1
    assert "Error: --month-from must be a month as YYYY-MM" in result.stderr
