"""GET /api/admin/stats against a real SQLite file and the real Redis."""

from dataclasses import asdict

import httpx
import redis
from sqlalchemy import Engine

from tests.conftest import run_api
from tests.support.seed import seed_catalogue
from waywo.settings import Settings

SPEC_FIELDS = {
    "posts_count",
    "comments_count",
    "projects_count",
    "valid_projects_count",
    "invalid_projects_count",
    "projects_with_embeddings",
    "redis_keys_count",
    "redis_memory_used",
    "redis_connected",
}


def test_stats_count_seeded_rows_exactly(
    api_url: str, engine: Engine, redis_url: str
) -> None:
    """Every documented count matches the seeded rows; Redis keys are ours only."""
    seeded = seed_catalogue(engine)
    client = redis.Redis.from_url(redis_url)
    client.set("waywo:test:a", "1")
    client.set("waywo:test:b", "2")

    stats = httpx.get(f"{api_url}/api/admin/stats").json()

    assert stats.keys() >= SPEC_FIELDS
    assert {name: stats[name] for name in asdict(seeded)} == asdict(seeded)
    assert stats["redis_keys_count"] == 2
    assert stats["redis_memory_used"][-1] in "BKMG"
    assert stats["redis_connected"] is True
    assert "redis_error" not in stats


def test_stats_fall_back_when_redis_is_unreachable(
    redis_down_settings: Settings, engine: Engine
) -> None:
    """With Redis on a closed port, stats still answer 200 with the fallbacks."""
    seed_catalogue(engine)

    for url in run_api(redis_down_settings):
        response = httpx.get(f"{url}/api/admin/stats")

    stats = response.json()
    assert response.status_code == 200
    assert stats["posts_count"] == 3
    assert stats["redis_keys_count"] == 0
    assert stats["redis_memory_used"] == "unknown"
    assert stats["redis_connected"] is False
    assert stats["redis_error"] == "Connection refused"
