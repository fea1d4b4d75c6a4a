"""The SQLite engine (WAL, busy timeout, foreign keys) and schema migrations."""

import fcntl
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from waywo.errors import StorageError, describe_error
from waywo.settings import Settings

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


@cache
def get_engine(database_path: Path, busy_timeout: float = 10.0) -> Engine:
    """Return the process-wide engine for one SQLite file, creating its folder."""
    database_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{database_path}",
        connect_args={"timeout": busy_timeout, "check_same_thread": False},
        hide_parameters=True,  # errors must not carry stored text into replies
    )
    event.listen(engine, "connect", _configure_connection)
    return engine


def _configure_connection(connection: sqlite3.Connection, _record: Any) -> None:
    """Turn on WAL, foreign keys and a busy timeout on every new connection."""
    busy_ms = int(connection.execute("PRAGMA busy_timeout").fetchone()[0])
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={max(busy_ms, 1000)}")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any error."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        reason = describe_error(getattr(exc, "orig", None) or exc)
        raise StorageError(f"Database error: {reason}") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def open_database(settings: Settings) -> Engine:
    """Return the engine of the configured database, migrated to the newest schema."""
    engine = get_engine(settings.database_path, settings.sqlite_busy_timeout)
    migrate(engine)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the database schema up to the newest migration.

    The API and the workers may start together; a lock file next to the database
    makes them migrate one after the other.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    lock_path = Path(str(engine.url.database) + ".migrate-lock")
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # before connecting: that sets WAL mode
        with engine.connect() as connection:
            # Batch migrations rebuild a table by dropping the old one; with
            # foreign keys on, that drop would cascade into its child rows.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    _check_foreign_keys(connection)
            finally:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    logger.info("Database schema is up to date (%s)", engine.url.database)


def _check_foreign_keys(connection: Connection) -> None:
    """Refuse a migration that left rows pointing at rows that do not exist."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise StorageError(
            f"Migration left {len(broken)} rows with broken references; rolled back"
        )
