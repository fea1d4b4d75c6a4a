"""``waywo collect`` and ``waywo threads`` as real processes, against the stand-in."""

import pytest
from sqlalchemy import Engine

from tests.conftest import STANDIN_THREAD_ID
from tests.support.hn import stored_comments
from tests.support.processes import run_waywo, waywo_environment
from waywo.settings import Settings


@pytest.fixture
def env(hn_settings: Settings) -> dict[str, str]:
    """Return an environment pointing waywo at the test's data, Redis and HN."""
    return waywo_environment(hn_settings.data_dir, hn_settings.redis_url) | {
        "WAYWO_HN_FIREBASE_URL": hn_settings.hn_firebase_url,
        "WAYWO_HN_ALGOLIA_URL": hn_settings.hn_algolia_url,
        "COLUMNS": "200",
    }


def test_collect_one_thread_by_url_prints_what_changed(
    env: dict[str, str], engine: Engine
) -> None:
    """The thread is stored and the summary row says how many comments came in."""
    url = f"https://news.ycombinator.com/item?id={STANDIN_THREAD_ID}"

    result = run_waywo("collect", "--thread", url, "--limit-comments", "5", env=env)

    assert result.returncode == 0, result.stderr
    assert str(STANDIN_THREAD_ID) in result.stdout
    assert "Ask HN: What are you working on? (August 2024)" in result.stdout
    assert len(stored_comments(engine)) == 15


def test_collect_exits_non_zero_when_a_thread_fails(
    env: dict[str, str], engine: Engine
) -> None:
    """The good thread is stored; the bad one is named with the reason."""
    missing = str(STANDIN_THREAD_ID + 5000)

    result = run_waywo(
        "collect", "--thread", missing, "--thread", str(STANDIN_THREAD_ID), env=env
    )

    assert result.returncode == 1
    assert f"Error: thread {missing}: HN has no item {missing}" in result.stderr
    assert len(stored_comments(engine)) == 36


def test_collect_refuses_a_malformed_thread_reference(env: dict[str, str]) -> None:
    """One line, exit code 1, and nothing fetched."""
    result = run_waywo("collect", "--thread", "item-twelve", env=env)

    assert result.returncode == 1
    assert result.stderr.startswith("Error: Not an HN item id or URL: 'item-twelve'")


def test_threads_add_refuses_a_comment_and_lists_a_story(env: dict[str, str]) -> None:
    """A comment id is refused with the reason; a story appears in the list."""
    refused = run_waywo("threads", "add", str(STANDIN_THREAD_ID + 1), env=env)
    added = run_waywo("threads", "add", str(STANDIN_THREAD_ID), env=env)
    listed = run_waywo("threads", "list", env=env)

    assert refused.returncode == 1
    assert "is a comment, not a story" in refused.stderr
    assert added.returncode == 0
    assert f"Added thread {STANDIN_THREAD_ID}" in added.stdout
    assert "2024-08" in listed.stdout
