"""Task status: where a queued job stands, with its progress."""

from fastapi import APIRouter, Request

from waywo.api.deps import CeleryDep, EngineDep
from waywo.api.schemas.tasks import TaskQueued, TaskStatus
from waywo.services.extract.batch import count_states
from waywo.worker.dispatch import read_task_status

router = APIRouter(prefix="/api", tags=["tasks"])


@router.get("/tasks/{task_id}", name="read_task")
def read_task(task_id: str, celery: CeleryDep, engine: EngineDep) -> TaskStatus:
    """Return a task's state, its progress while it runs, and its result or error.

    For a queued extraction batch, progress counts its comments by state.
    """
    status = read_task_status(celery, task_id)
    result = status.get("result")
    if isinstance(result, dict) and "comment_ids" in result:
        status["progress"] = count_states(engine, result["comment_ids"])
    return TaskStatus.model_validate(status)


def queued_answer(request: Request, task_id: str) -> TaskQueued:
    """Return the answer to a request that queued a task."""
    return TaskQueued(
        task_id=task_id, status_url=str(request.url_for("read_task", task_id=task_id))
    )
