"""Celery tasks: each takes ids or nothing and calls a service function."""

import os
import socket

from waywo import __version__
from waywo.worker.app import celery_app


@celery_app.task(name="waywo.health")
def health() -> dict[str, object]:
    """Report that a worker is alive and which one answered."""
    return {
        "status": "ok",
        "hostname": socket.gethostname(),
        "pid": os.getpid(),
        "version": __version__,
    }
