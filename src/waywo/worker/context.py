"""What tasks share within one worker process: the settings and the database."""

from functools import cache

from sqlalchemy import Engine

from waywo.settings import Settings, read_settings
from waywo.storage.database import open_database


@cache
def worker_settings() -> Settings:
    """Return the settings this worker read from its environment."""
    return read_settings()


@cache
def worker_engine() -> Engine:
    """Return the migrated engine of the worker's database."""
    return open_database(worker_settings())
