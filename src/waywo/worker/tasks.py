"""Celery tasks: each takes ids or nothing and calls a service function.

This module is what the Celery app includes; importing it registers every task.
"""

import os
import socket

from waywo import __version__
from waywo.worker import collect_tasks, extract_tasks  # noqa: F401  (registers)
from waywo.worker.context import celery_app


@celery_app.task(name="waywo.health")
def health() -> dict[str, object]:
    """Report that a worker is alive and which one answered."""
    return {
        "status": "ok",
        "hostname": socket.gethostname(),
        "pid": os.getpid(),
        "version": __version__,
    }
