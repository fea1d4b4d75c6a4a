"""Logging set-up, called by entry points only."""

import logging


def configure_logging(level: str) -> None:
    """Send log lines to stderr with time, level and logger name."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    # httpx logs every request at INFO with the full URL; ours redact secrets.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Alembic narrates each start-up; waywo logs one line of its own instead.
    logging.getLogger("alembic").setLevel(logging.WARNING)
