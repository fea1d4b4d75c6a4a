"""Operating the system: counts, destructive resets and the vector index rebuild."""

import logging
from dataclasses import asdict, dataclass

from celery import Celery
from sqlalchemy import ColumnElement, Engine, ScalarSelect, delete, func, select

from waywo import redis_store
from waywo.errors import ServiceUnavailableError, WaywoError, describe_error
from waywo.search.vector_index import RebuildSummary, VectorIndex
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import (
    Base,
    Comment,
    CommentState,
    EmbeddingCounter,
    Post,
    Project,
)

logger = logging.getLogger(__name__)

CELERY_QUEUE = "celery"
WORKER_REPLY_SECONDS = 0.5


@dataclass(frozen=True)
class DatabaseCounts:
    """Row counts the admin page shows, named as the stats route names them."""

    posts_count: int
    comments_count: int
    replies_count: int
    comments_pending_count: int
    comments_processed_count: int
    comments_failed_count: int
    projects_count: int
    valid_projects_count: int
    invalid_projects_count: int
    projects_with_embeddings: int


@dataclass(frozen=True)
class ResetOutcome:
    """How one store's reset ended: ``error`` is None on success."""

    store: str
    error: str | None = None

    @property
    def is_success(self) -> bool:
        """Tell whether the reset was done."""
        return self.error is None


def count_rows(engine: Engine) -> DatabaseCounts:
    """Count posts, top-level comments by state, replies and projects in one query."""
    top_level = Comment.parent_id.is_(None)

    def count(model: type[Base], *conditions: ColumnElement[bool]) -> ScalarSelect[int]:
        return (
            select(func.count()).select_from(model).where(*conditions).scalar_subquery()
        )

    query = select(
        count(Post),
        count(Comment, top_level),
        count(Comment, Comment.parent_id.is_not(None)),
        count(Comment, top_level, Comment.state == CommentState.PENDING),
        count(Comment, top_level, Comment.state == CommentState.PROCESSED),
        count(Comment, top_level, Comment.state == CommentState.FAILED),
        count(Project),
        count(Project, Project.is_valid.is_(True)),
        count(Project, Project.is_valid.is_(False)),
        count(Project, Project.embedding.is_not(None)),
    )
    with session_scope(engine) as session:
        values = session.execute(query).one()
    return DatabaseCounts(*(int(value) for value in values))


def read_stats(settings: Settings, engine: Engine) -> dict[str, object]:
    """Return the row counts and Redis state; Redis down gives the fallback values."""
    stats: dict[str, object] = asdict(count_rows(engine))
    try:
        redis_stats = redis_store.read_stats(settings)
    except ServiceUnavailableError as exc:
        return stats | {
            "redis_keys_count": 0,
            "redis_memory_used": "unknown",
            "redis_connected": False,
            "redis_error": exc.message,
        }
    return stats | {
        "redis_keys_count": redis_stats.keys_count,
        "redis_memory_used": redis_stats.memory_used,
        "redis_connected": True,
    }


def reset_sqlite(engine: Engine, index: VectorIndex) -> None:
    """Delete every post, comment and project in one transaction, and the index.

    The schema and its migration version stay, so the next request can write.
    """
    with session_scope(engine) as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table is not EmbeddingCounter.__table__:
                session.execute(delete(table))
    index.clear()
    logger.info("SQLite database reset")


def reset_redis(settings: Settings) -> None:
    """Flush our Redis database: task results, queued tasks and cached data."""
    redis_store.flush(settings)
    logger.info("Redis database flushed (%s)", redis_store.redacted_url(settings))


def reset_everything(
    settings: Settings, engine: Engine, index: VectorIndex
) -> list[ResetOutcome]:
    """Reset SQLite, then Redis; a failure of one never stops the other."""
    outcomes = []
    for store, reset in (
        ("sqlite", lambda: reset_sqlite(engine, index)),
        ("redis", lambda: reset_redis(settings)),
    ):
        try:
            reset()
            outcomes.append(ResetOutcome(store))
        except WaywoError as exc:
            logger.error("Reset of %s failed: %s", store, exc.message)
            outcomes.append(ResetOutcome(store, exc.message))
        except Exception as exc:  # one store's surprise must not stop the other
            logger.exception("Reset of %s failed unexpectedly", store)
            outcomes.append(ResetOutcome(store, describe_error(exc)))
    return outcomes


def rebuild_index(index: VectorIndex) -> RebuildSummary:
    """Rebuild the vector index from the stored embeddings."""
    return index.rebuild()


def read_worker_stats(celery: Celery, settings: Settings) -> dict[str, object]:
    """Return live workers, their active and reserved tasks, and the queue length.

    Known limit: workers are counted by who answers within half a second, so an
    overloaded worker can be missed for one refresh.
    """
    if not redis_store.is_reachable(settings.redis_url, settings.redis_timeout):
        return {"error": "Redis is unreachable"}
    inspector = celery.control.inspect(timeout=WORKER_REPLY_SECONDS)
    active = inspector.active() or {}
    reserved = inspector.reserved() or {}
    return {
        "workers": len(active.keys() | reserved.keys()),
        "active": sum(len(tasks) for tasks in active.values()),
        "reserved": sum(len(tasks) for tasks in reserved.values()),
        "queued": redis_store.queue_length(settings, CELERY_QUEUE),
    }
