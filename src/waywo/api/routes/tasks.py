"""Task status: where a queued job stands, with its progress."""

from fastapi import APIRouter

from waywo.api.deps import CeleryDep
from waywo.api.schemas.tasks import TaskStatus
from waywo.worker.dispatch import read_task_status

router = APIRouter(prefix="/api", tags=["tasks"])


@router.get("/tasks/{task_id}", name="read_task")
def read_task(task_id: str, celery: CeleryDep) -> TaskStatus:
    """Return a task's state, its progress while it runs, and its result or error."""
    return TaskStatus.model_validate(read_task_status(celery, task_id))
