"""Point waywo at a running HN stand-in, and read back what a collection stored."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select

from tests.standins.hn_server import HNStandin, create_hn_standin
from tests.support.loopback import serve_in_thread
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Comment


@contextmanager
def serve_hn(standin: HNStandin) -> Iterator[str]:
    """Serve the stand-in on loopback; yield its base URL."""
    with serve_in_thread(create_hn_standin(standin)) as url:
        yield url


def hn_urls(base_url: str) -> dict[str, str]:
    """Return the settings that send both HN APIs to the stand-in."""
    return {"hn_firebase_url": f"{base_url}/v0", "hn_algolia_url": f"{base_url}/api/v1"}


def with_hn(settings: Settings, base_url: str, **changes: object) -> Settings:
    """Return the settings pointed at the stand-in, with other changes."""
    return settings.model_copy(update={**hn_urls(base_url), **changes})


def stored_comments(engine: Engine) -> dict[int, Comment]:
    """Return every stored comment by id."""
    with session_scope(engine) as session:
        return {comment.id: comment for comment in session.scalars(select(Comment))}
