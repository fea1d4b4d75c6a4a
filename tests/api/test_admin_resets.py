"""The destructive admin routes: reset SQLite, Redis, or both (with 207)."""

import httpx
import redis
from sqlalchemy import Engine, func, select

from tests.conftest import NEIGHBOUR_REDIS_DB, REDIS_SERVER_URL, run_api
from tests.support.seed import seed_catalogue
from waywo.search.vector_index import INDEX_FILE
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, Post, Project


def count_all_rows(engine: Engine) -> int:
    """Return the number of posts, comments and projects together."""
    with session_scope(engine) as session:
        return sum(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Post, Comment, Project)
        )


def test_reset_sqlite_empties_but_keeps_a_usable_schema(
    api_url: str, engine: Engine
) -> None:
    """After the reset, no rows remain and the next request can write again."""
    seed_catalogue(engine)
    httpx.post(f"{api_url}/api/admin/rebuild-vector-index").raise_for_status()

    response = httpx.delete(f"{api_url}/api/admin/reset-sqlite")

    assert response.status_code == 200
    assert response.json() == {
        "status": "success",
        "message": "SQLite database has been reset",
    }
    assert count_all_rows(engine) == 0
    assert httpx.get(f"{api_url}/api/admin/stats").json()["posts_count"] == 0
    seed_catalogue(engine)
    assert httpx.get(f"{api_url}/api/admin/stats").json()["posts_count"] == 3


def test_reset_redis_flushes_only_our_database(api_url: str, redis_url: str) -> None:
    """Our keys go; a key in a neighbouring Redis database stays."""
    ours = redis.Redis.from_url(redis_url)
    neighbour = redis.Redis.from_url(f"{REDIS_SERVER_URL}/{NEIGHBOUR_REDIS_DB}")
    ours.set("waywo:test:key", "1")
    neighbour.set("someone-else:key", "kept")

    try:
        response = httpx.delete(f"{api_url}/api/admin/reset-redis")

        assert response.status_code == 200
        assert response.json() == {
            "status": "success",
            "message": "Redis database has been flushed",
        }
        assert ours.dbsize() == 0
        assert neighbour.get("someone-else:key") == b"kept"
    finally:
        neighbour.delete("someone-else:key")


def test_reset_all_resets_both(api_url: str, engine: Engine, redis_url: str) -> None:
    """Both stores emptied: 200 with a success result per store."""
    seed_catalogue(engine)
    redis.Redis.from_url(redis_url).set("waywo:test:key", "1")

    response = httpx.delete(f"{api_url}/api/admin/reset-all")

    assert response.status_code == 200
    assert response.json() == {
        "status": "success",
        "message": "All databases have been reset",
        "results": {
            "sqlite": {"status": "success"},
            "redis": {"status": "success", "message": "flushed"},
        },
    }
    assert count_all_rows(engine) == 0
    assert redis.Redis.from_url(redis_url).dbsize() == 0


def test_reset_all_with_redis_down_still_resets_sqlite(
    redis_down_settings: Settings, engine: Engine
) -> None:
    """Redis unreachable: 207, the SQLite part done, the Redis error reported."""
    seed_catalogue(engine)

    for url in run_api(redis_down_settings):
        response = httpx.delete(f"{url}/api/admin/reset-all")

    assert response.status_code == 207
    assert response.json() == {
        "status": "partial",
        "message": "Some databases failed to reset",
        "errors": ["Redis: Connection refused"],
        "results": {
            "sqlite": {"status": "success"},
            "redis": {"status": "error", "error": "Connection refused"},
        },
    }
    assert count_all_rows(engine) == 0


def test_reset_redis_with_redis_down_is_an_error(redis_down_settings: Settings) -> None:
    """Redis unreachable: reset-redis answers 500 with the reason."""

    for url in run_api(redis_down_settings):
        response = httpx.delete(f"{url}/api/admin/reset-redis")

    assert response.status_code == 500
    assert response.json() == {"detail": "Redis: Connection refused"}


def test_reset_all_with_sqlite_failing_still_flushes_redis(
    api_url: str, settings: Settings, engine: Engine, redis_url: str
) -> None:
    """The SQLite part fails (its index cannot be removed): 207, Redis flushed."""
    seed_catalogue(engine)
    (settings.index_dir / INDEX_FILE).mkdir(parents=True)
    redis.Redis.from_url(redis_url).set("waywo:test:key", "1")

    response = httpx.delete(f"{api_url}/api/admin/reset-all")

    body = response.json()
    assert response.status_code == 207
    assert body["status"] == "partial"
    assert body["results"]["redis"] == {"status": "success", "message": "flushed"}
    assert body["results"]["sqlite"]["status"] == "error"
    assert "Cannot remove the vector index" in body["errors"][0]
    assert redis.Redis.from_url(redis_url).dbsize() == 0
