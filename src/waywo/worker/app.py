"""The Celery app: Redis (the configured URL and database) as broker and result store.

The worker's own app lives in ``waywo.worker.context``, made from its settings;
the API makes one from its settings to queue tasks and read their state.
"""

from celery import Celery

from waywo.settings import Settings

RESULT_TTL_SECONDS = 24 * 3600


def create_celery(settings: Settings) -> Celery:
    """Return a Celery app whose broker and results live in our Redis database."""
    app = Celery(
        "waywo",
        broker=settings.redis_url,
        backend=settings.redis_url,
        include=["waywo.worker.tasks"],
    )
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_track_started=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        result_expires=RESULT_TTL_SECONDS,
        broker_connection_retry_on_startup=True,
        redis_socket_connect_timeout=settings.redis_timeout,
        broker_transport_options={
            "socket_connect_timeout": settings.redis_timeout,
            # A task whose worker died goes back to the queue after this long;
            # the sweep that returns it runs a few times within that time.
            "visibility_timeout": settings.task_visibility_timeout,
            "unacked_restore_interval": _sweep_interval(settings),
            "unacked_restore_throttle": 1,
        },
    )
    return app


def _sweep_interval(settings: Settings) -> float:
    return min(10.0, max(0.5, settings.task_visibility_timeout / 5))
