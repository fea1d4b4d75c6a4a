"""Collecting a thread from the HN stand-in into a real SQLite file."""

import pytest
from sqlalchemy import Engine, select

from tests.conftest import STANDIN_THREAD_ID
from tests.standins.hn_server import HNStandin
from tests.support.hn import stored_comments
from waywo.errors import InvalidInputError, NotFoundError
from waywo.services.collect.run import (
    add_thread,
    collect_threads,
    discover_threads,
    list_thread_ids,
)
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, CommentState, Post, Project

SOURCES = ["algolia", "firebase"]


def expected_parents(standin: HNStandin) -> dict[int, int | None]:
    """Return each comment's parent as stored: None for a top-level comment."""
    items = standin.archive.items
    return {
        item_id: None if items[item_id]["parent"] == STANDIN_THREAD_ID else parent
        for item_id in standin.archive.comment_ids()
        for parent in [items[item_id]["parent"]]
    }


@pytest.mark.parametrize("source", SOURCES)
def test_collect_stores_every_comment_with_its_parent(
    hn_settings: Settings, engine: Engine, hn_standin: HNStandin, source: str
) -> None:
    """Both paths store exactly the thread's comments, HTML as HN sent it."""
    settings = hn_settings.model_copy(update={"hn_source": source})
    first_id = STANDIN_THREAD_ID + 1

    [outcome] = collect_threads(settings, engine, [STANDIN_THREAD_ID])

    comments = stored_comments(engine)
    assert outcome.error is None
    assert outcome.stored is not None and outcome.stored.added == 36
    assert {i: c.parent_id for i, c in comments.items()} == expected_parents(hn_standin)
    assert comments[first_id].text_html == hn_standin.archive.items[first_id]["text"]
    assert comments[first_id].author == f"maker{first_id}"
    assert all(c.state == CommentState.PENDING for c in comments.values())
    with session_scope(engine) as session:
        post = session.get_one(Post, STANDIN_THREAD_ID)
        assert (post.year, post.month, post.descendants) == (2024, 8, 36)


def test_algolia_path_needs_two_requests_for_a_new_thread(
    hn_settings: Settings, engine: Engine, hn_standin: HNStandin
) -> None:
    """The tree comes in one request; Firebase is asked only for the story."""
    collect_threads(hn_settings, engine, [STANDIN_THREAD_ID])

    assert hn_standin.requests == {"algolia": 1, "firebase": 1}


@pytest.mark.parametrize("source", SOURCES)
def test_a_second_run_changes_nothing(
    hn_settings: Settings, engine: Engine, source: str
) -> None:
    """Re-collecting an unchanged thread adds, updates and touches no comment."""
    settings = hn_settings.model_copy(update={"hn_source": source})
    collect_threads(settings, engine, [STANDIN_THREAD_ID])
    before = {i: c.updated_at for i, c in stored_comments(engine).items()}

    [outcome] = collect_threads(settings, engine, [STANDIN_THREAD_ID])

    after = {i: c.updated_at for i, c in stored_comments(engine).items()}
    assert outcome.stored is not None
    assert (outcome.stored.added, outcome.stored.updated) == (0, 0)
    assert outcome.stored.unchanged == 36
    assert after == before


@pytest.mark.parametrize("source", SOURCES)
def test_edits_deletions_dead_and_new_comments_are_reflected(
    hn_settings: Settings, engine: Engine, hn_standin: HNStandin, source: str
) -> None:
    """An edit re-queues extraction but keeps the projects; deletions keep the text."""
    settings = hn_settings.model_copy(update={"hn_source": source})
    edited, deleted, dead = (STANDIN_THREAD_ID + n for n in (1, 4, 8))
    new_id = STANDIN_THREAD_ID + 1000
    collect_threads(settings, engine, [STANDIN_THREAD_ID])
    mark_processed_with_a_project(engine, edited)
    old_deleted_text = hn_standin.archive.items[deleted]["text"]

    hn_standin.archive.edit(edited, "Now it is <i>version 2</i>.")
    hn_standin.archive.delete(deleted)
    hn_standin.archive.kill(dead)
    hn_standin.archive.add_comment(new_id, STANDIN_THREAD_ID, "A brand new project")
    [outcome] = collect_threads(settings, engine, [STANDIN_THREAD_ID])

    comments = stored_comments(engine)
    assert outcome.stored is not None
    assert (outcome.stored.added, outcome.stored.updated) == (1, 1)
    assert (outcome.stored.marked_deleted, outcome.stored.marked_dead) == (1, 1)
    assert comments[edited].text_html == "Now it is <i>version 2</i>."
    assert comments[edited].state == CommentState.PENDING
    assert project_titles(engine, edited) == ["Kept until re-extracted"]
    assert comments[deleted].is_deleted
    assert comments[deleted].text_html == old_deleted_text
    assert comments[dead].is_dead and comments[dead].text_html is not None
    assert comments[new_id].parent_id is None
    assert len(comments) == 37


def mark_processed_with_a_project(engine: Engine, comment_id: int) -> None:
    """Pretend extraction ran on the comment and found one project."""
    with session_scope(engine) as session:
        session.get_one(Comment, comment_id).state = CommentState.PROCESSED
        session.add(
            Project(
                comment_id=comment_id, is_valid=True, title="Kept until re-extracted"
            )
        )


def project_titles(engine: Engine, comment_id: int) -> list[str | None]:
    """Return the titles of a comment's projects."""
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(Project.title).where(Project.comment_id == comment_id)
            )
        )


def test_limit_keeps_the_first_top_level_comments_with_their_replies(
    hn_settings: Settings, engine: Engine
) -> None:
    """``limit_comments`` counts top-level comments in HN's rank."""
    collect_threads(hn_settings, engine, [STANDIN_THREAD_ID], limit_comments=3)

    comments = stored_comments(engine)
    top_level = sorted(i for i, c in comments.items() if c.parent_id is None)
    assert top_level == [STANDIN_THREAD_ID + n for n in (1, 4, 7)]
    assert len(comments) == 9


def test_an_unknown_thread_is_reported_and_the_others_still_collected(
    hn_settings: Settings, engine: Engine
) -> None:
    """A thread HN does not know fails alone, with a clear reason."""
    missing = STANDIN_THREAD_ID + 5000

    outcomes = collect_threads(hn_settings, engine, [missing, STANDIN_THREAD_ID])

    assert outcomes[0].error == f"HN has no item {missing}"
    assert outcomes[1].error is None
    assert len(stored_comments(engine)) == 36


def test_add_thread_stores_a_story_and_refuses_anything_else(
    hn_settings: Settings, engine: Engine
) -> None:
    """A story by URL is added; a comment id is a 422, an unknown id a 404."""
    url = f"https://news.ycombinator.com/item?id={STANDIN_THREAD_ID}"

    post = add_thread(hn_settings, engine, url)

    assert (post.id, post.year, post.month) == (STANDIN_THREAD_ID, 2024, 8)
    with pytest.raises(InvalidInputError, match="is a comment, not a story"):
        add_thread(hn_settings, engine, str(STANDIN_THREAD_ID + 1))
    with pytest.raises(NotFoundError, match="HN has no item"):
        add_thread(hn_settings, engine, "99999999")
    assert stored_comments(engine) == {}


def test_discovery_stores_new_monthly_threads_only(
    hn_settings: Settings, engine: Engine, hn_standin: HNStandin
) -> None:
    """A new month is found by search; known threads and other stories are not."""
    new_month = {
        "objectID": "50000001",
        "author": "david927",
        "num_comments": 410,
        "created_at_i": 1_793_000_000,
        "title": "Ask HN: What Are You Working On? (October 2026)",
    }
    hiring = {
        "objectID": "50000002",
        "author": "whoishiring",
        "created_at_i": 1_793_000_100,
        "title": "Ask HN: Who is hiring?",
    }
    hn_standin.other_search_hits += [new_month, hiring]

    found = discover_threads(hn_settings, engine)

    assert [(post.id, post.year, post.month) for post in found] == [
        (50_000_001, 2026, 10)
    ]
    assert list_thread_ids(engine, limit=2)[0] == 50_000_001
    assert discover_threads(hn_settings, engine) == []


def test_thread_list_runs_newest_month_first(
    settings: Settings, engine: Engine
) -> None:
    """The default collection starts with the newest known month."""
    ids = list_thread_ids(engine)

    assert ids[0] == 49_686_380  # September 2026
    assert ids.index(41_342_017) < ids.index(30_516_198)


def test_firebase_fallback_when_algolia_is_down(
    hn_settings: Settings, engine: Engine, hn_standin: HNStandin
) -> None:
    """Algolia failing costs speed, not comments."""
    hn_standin.faults.is_algolia_down = True

    [outcome] = collect_threads(hn_settings, engine, [STANDIN_THREAD_ID])

    assert outcome.error is None
    assert len(stored_comments(engine)) == 36
    assert hn_standin.requests["firebase"] == 37


def test_a_stale_algolia_tree_cannot_undelete_a_comment(
    hn_settings: Settings, engine: Engine, hn_standin: HNStandin
) -> None:
    """Marked deleted through Firebase; Algolia still listing it changes nothing."""
    deleted = STANDIN_THREAD_ID + 4
    collect_threads(hn_settings, engine, [STANDIN_THREAD_ID])
    with session_scope(engine) as session:
        session.get_one(Comment, deleted).is_deleted = True

    collect_threads(hn_settings, engine, [STANDIN_THREAD_ID])  # Algolia lists it

    assert stored_comments(engine)[deleted].is_deleted


def test_discovery_skips_titles_without_a_month_and_known_months(
    hn_settings: Settings, engine: Engine, hn_standin: HNStandin
) -> None:
    """A weekend thread and a second post for a known month are not added."""
    hn_standin.other_search_hits += [
        {"objectID": "50000003", "author": "someone", "created_at_i": 1_793_000_000,
         "title": "Ask HN: What are you working on this weekend?"},
        {"objectID": "50000004", "author": "someone", "created_at_i": 1_723_000_000,
         "title": "Ask HN: What are you working on? (August 2024)"},
    ]  # fmt: skip

    assert discover_threads(hn_settings, engine) == []
