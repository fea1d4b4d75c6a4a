"""Handing tasks to the workers and reading their state, from any process."""

from typing import Any

from celery import Celery
from celery.result import AsyncResult
from kombu.exceptions import OperationalError
from redis import RedisError

from waywo.errors import ServiceUnavailableError, describe_error
from waywo.redis_store import is_reachable


def send_task(celery: Celery, name: str, **kwargs: Any) -> str:
    """Queue a task by name; return its id.

    Redis is pinged first: with Redis down, Celery retries the publish for many
    seconds and then leaves its result consumer broken for the whole process.
    """
    if not is_reachable(str(celery.conf.broker_url)):
        raise ServiceUnavailableError("Cannot queue the task, Redis is unreachable")
    try:
        return str(celery.send_task(name, kwargs=kwargs).id)
    except (OperationalError, RedisError) as exc:
        raise ServiceUnavailableError(
            f"Cannot queue the task, Redis is unreachable: {describe_error(exc)}"
        ) from exc


def read_task_status(celery: Celery, task_id: str) -> dict[str, Any]:
    """Return a task's state, progress, result and error as plain data."""
    result = AsyncResult(task_id, app=celery)
    try:
        state, info = result.state, result.info
    except (OperationalError, RedisError) as exc:
        raise ServiceUnavailableError(
            f"Cannot read the task, Redis is unreachable: {describe_error(exc)}"
        ) from exc

    status: dict[str, Any] = {"task_id": task_id, "state": state}
    if state == "PROGRESS" and isinstance(info, dict):
        status["progress"] = info.get("progress")
    elif state == "SUCCESS":
        status["result"] = info
    elif state == "FAILURE":
        status["error"] = (
            describe_error(info) if isinstance(info, BaseException) else str(info)
        )
    return status
