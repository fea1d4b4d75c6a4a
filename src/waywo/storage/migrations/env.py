"""Alembic environment: runs on the connection waywo hands over, or on the CLI's URL."""

from alembic import context
from sqlalchemy import create_engine

from waywo.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    """Apply migrations on one open connection; batch mode lets SQLite alter tables."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///data/waywo.sqlite3"
    with create_engine(url).begin() as own:
        run_migrations(own)
