"""Response models of the admin routes, as ``shared/spec/admin-api.md`` defines them."""

from typing import Literal

from pydantic import BaseModel, Field


class StatsPublic(BaseModel):
    """Counts of every table and the state of Redis."""

    posts_count: int
    comments_count: int = Field(description="Top-level comments: extraction's input.")
    projects_count: int
    valid_projects_count: int
    invalid_projects_count: int
    projects_with_embeddings: int
    redis_keys_count: int
    redis_memory_used: str
    redis_connected: bool
    redis_error: str | None = Field(None, description="Only when Redis is unreachable.")
    replies_count: int = Field(description="Replies to comments, stored for display.")
    comments_pending_count: int
    comments_processed_count: int
    comments_failed_count: int


class ActionResult(BaseModel):
    """The outcome of an admin action."""

    status: Literal["success"]
    message: str


class RebuildResult(ActionResult):
    """The outcome of a vector index rebuild."""

    vectors: int
    dimension: int
    model: str | None
    seconds: float


class StoreResetResult(BaseModel):
    """How the reset of one store ended."""

    status: Literal["success", "error"]
    message: str | None = None
    error: str | None = None


class ResetAllResult(BaseModel):
    """The outcome of resetting SQLite and Redis together."""

    status: Literal["success", "partial", "error"]
    message: str
    errors: list[str] | None = None
    results: dict[str, StoreResetResult]


class WorkerStats(BaseModel):
    """The Celery workers as the dashboard shows them."""

    workers: int | None = Field(None, description="Workers that answered.")
    active: int | None = Field(None, description="Tasks running now.")
    reserved: int | None = Field(None, description="Tasks taken, not yet started.")
    queued: int | None = Field(None, description="Tasks waiting in Redis.")
    error: str | None = None
