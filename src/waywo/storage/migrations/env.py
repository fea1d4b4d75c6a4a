"""Alembic environment: runs on the connection waywo hands over, or on the CLI's URL."""

from alembic import context
from sqlalchemy import create_engine

from waywo.storage.models import Base

config = context.config
target_metadata = Base.metadata
# Kept by raw SQL in migration 0004, unknown to the models: autogenerate must not
# propose dropping the keyword index.
FTS_TABLE_PREFIX = "projects_fts"


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """Leave the FTS5 table and its shadow tables out of autogenerate."""
    return not (type_ == "table" and str(name).startswith(FTS_TABLE_PREFIX))


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    """Apply migrations on one open connection; batch mode lets SQLite alter tables."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
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
