"""The one Redis client of waywo; the database number always comes from the URL."""

from dataclasses import dataclass

import redis

from waywo.errors import ServiceUnavailableError, describe_error
from waywo.settings import Settings
from waywo.urls import redact_url


def connect(settings: Settings) -> redis.Redis:
    """Return a client bound to the configured URL's database, with short timeouts."""
    return redis.Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=settings.redis_timeout,
        socket_timeout=settings.redis_timeout,
        decode_responses=True,
    )


@dataclass(frozen=True)
class RedisStats:
    """What the admin page shows about Redis."""

    keys_count: int
    memory_used: str


def read_stats(settings: Settings) -> RedisStats:
    """Return the key count of our database and the server's memory use."""
    client = connect(settings)
    try:
        keys_count = int(client.dbsize())
        memory = client.info("memory")
    except redis.RedisError as exc:
        raise ServiceUnavailableError(describe_error(exc)) from exc
    finally:
        client.close()
    return RedisStats(keys_count, str(memory.get("used_memory_human", "unknown")))


def flush(settings: Settings) -> None:
    """Remove every key of our database; other databases on the server stay."""
    client = connect(settings)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        raise ServiceUnavailableError(describe_error(exc)) from exc
    finally:
        client.close()


def queue_length(settings: Settings, queue: str) -> int:
    """Return how many tasks wait in a Celery queue of our database."""
    client = connect(settings)
    try:
        return int(client.llen(queue))
    except redis.RedisError as exc:
        raise ServiceUnavailableError(describe_error(exc)) from exc
    finally:
        client.close()


def is_reachable(url: str, timeout: float = 1.0) -> bool:
    """Tell whether a Redis server answers PING at this URL."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def redacted_url(settings: Settings) -> str:
    """Return the configured Redis URL without its password."""
    return redact_url(settings.redis_url)
