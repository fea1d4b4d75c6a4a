"""Collecting the recorded 335-comment Algolia thread from ``shared/``."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.standins.hn_server import RECORDED_TREE, HNStandin, load_recorded_archive
from tests.support.hn import serve_hn, stored_comments, with_hn
from waywo.services.collect.run import collect_threads
from waywo.settings import Settings
from waywo.text import html_to_text

pytestmark = pytest.mark.skipif(
    not RECORDED_TREE.exists(),
    reason=f"recorded HN data not found at {RECORDED_TREE} (beside the project in CI)",
)

RECORDED_ID = 49_220_339


@pytest.fixture
def recorded() -> dict[str, Any]:
    """Return the recorded Algolia tree as JSON."""
    return dict(json.loads(RECORDED_TREE.read_text()))


@pytest.fixture
def recorded_standin() -> HNStandin:
    """Return a stand-in replaying the recorded thread."""
    return HNStandin(load_recorded_archive())


@pytest.fixture
def recorded_settings(
    settings: Settings, recorded_standin: HNStandin
) -> Iterator[Settings]:
    """Yield settings pointed at the stand-in replaying the recorded thread."""
    with serve_hn(recorded_standin) as url:
        yield with_hn(settings, url)


def flatten(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield every comment node below this one."""
    for child in node["children"]:
        yield child
        yield from flatten(child)


@pytest.mark.parametrize("source", ["algolia", "firebase"])
def test_the_recorded_thread_is_stored_exactly(
    recorded_settings: Settings, engine: Engine, recorded: dict[str, Any], source: str
) -> None:
    """All 335 comments, each under its recorded parent, with the recorded HTML."""
    settings = recorded_settings.model_copy(update={"hn_source": source})
    nodes = {node["id"]: node for node in flatten(recorded)}

    [outcome] = collect_threads(settings, engine, [RECORDED_ID])

    comments = stored_comments(engine)
    assert outcome.error is None
    assert len(comments) == 335
    assert sum(c.parent_id is None for c in comments.values()) == 25
    for comment_id, comment in comments.items():
        node = nodes[comment_id]
        parent = None if node["parent_id"] == RECORDED_ID else node["parent_id"]
        assert (comment.parent_id, comment.author) == (parent, node["author"])
        assert comment.text_html == node["text"]
        assert comment.time == node["created_at_i"]


def test_recorded_texts_read_as_plain_text(
    recorded_settings: Settings, engine: Engine
) -> None:
    """A few recorded comments, exactly, as the extraction stage will read them."""
    collect_threads(recorded_settings, engine, [RECORDED_ID])

    comments = stored_comments(engine)
    assert html_to_text(comments[49220527].text_html) == (
        "Wasn't there something similar with scientists recently? "
        "I wonder how much of that is just statistical noise."
    )
    assert html_to_text(comments[49220504].text_html).startswith(
        '"Between early June and early July, as many as five individuals'
    )
    assert "\n\nImagine knowing this" in html_to_text(comments[49220696].text_html)


def test_recollecting_the_recorded_thread_changes_nothing(
    recorded_settings: Settings, engine: Engine, recorded_standin: HNStandin
) -> None:
    """The second run adds and updates nothing, and needs two requests again."""
    collect_threads(recorded_settings, engine, [RECORDED_ID])
    recorded_standin.requests.clear()

    [outcome] = collect_threads(recorded_settings, engine, [RECORDED_ID])

    assert outcome.stored is not None
    assert (outcome.stored.added, outcome.stored.updated) == (0, 0)
    assert outcome.stored.unchanged == 335
    assert recorded_standin.requests == {"algolia": 1, "firebase": 1}
