"""What tasks share within one worker process: settings, database, clients, app.

Celery needs its app when the task modules are imported, so the settings are read
from the environment here, the same way every entry point reads them.
"""

from functools import cache

from sqlalchemy import Engine

from waywo.services.extract.process import Extractor
from waywo.settings import Settings, read_settings
from waywo.storage.database import open_database
from waywo.worker.app import create_celery


@cache
def worker_settings() -> Settings:
    """Return the settings this worker read from its environment."""
    return read_settings()


@cache
def worker_engine() -> Engine:
    """Return the migrated engine of the worker's database."""
    return open_database(worker_settings())


@cache
def worker_extractor() -> Extractor:
    """Return this process's extractor; made after the fork, on first use."""
    return Extractor.open(worker_settings(), worker_engine())


celery_app = create_celery(worker_settings())
