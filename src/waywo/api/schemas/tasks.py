"""Model of the task status route."""

from typing import Any

from pydantic import BaseModel, Field


class TaskStatus(BaseModel):
    """Where a Celery task stands."""

    task_id: str
    state: str = Field(description="PENDING, STARTED, PROGRESS, SUCCESS or FAILURE.")
    progress: dict[str, Any] | None = None
    result: Any = None
    error: str | None = None


class TaskQueued(BaseModel):
    """A task handed to the workers."""

    task_id: str
    status_url: str
