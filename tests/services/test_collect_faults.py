"""Collecting through faults: failed requests are retried, lost items recorded."""

import random

import pytest
from sqlalchemy import Engine, select

from tests.conftest import STANDIN_THREAD_ID
from tests.standins.hn_server import FaultKind, HNStandin
from tests.support.hn import stored_comments
from waywo.services.collect.run import collect_threads
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import UnreachableItem

FAULT_KINDS: list[FaultKind] = ["500", "429", "timeout", "malformed"]


@pytest.fixture
def firebase_settings(hn_settings: Settings, hn_standin: HNStandin) -> Settings:
    """Walk the thread item by item, with a short timeout so timeouts are quick."""
    hn_standin.faults.timeout_seconds = 1.5
    return hn_settings.model_copy(update={"hn_source": "firebase", "hn_timeout": 0.5})


def test_items_failing_once_are_all_stored(
    firebase_settings: Settings, engine: Engine, hn_standin: HNStandin
) -> None:
    """With 10% of item requests failing once, in every way, nothing is lost."""
    chooser = random.Random(7)
    failing = chooser.sample(hn_standin.archive.comment_ids(), k=4)
    hn_standin.faults.once = dict(zip(failing, FAULT_KINDS, strict=True))

    [outcome] = collect_threads(firebase_settings, engine, [STANDIN_THREAD_ID])

    assert outcome.error is None
    assert outcome.unreachable == {}
    assert len(stored_comments(engine)) == 36
    assert hn_standin.faults.once == {}
    assert hn_standin.requests["firebase"] == 37 + 4


def test_the_algolia_tree_failing_once_is_retried(
    hn_settings: Settings, engine: Engine, hn_standin: HNStandin
) -> None:
    """A 500 on the one tree request costs a retry, not the Firebase walk."""
    hn_standin.faults.once = {STANDIN_THREAD_ID: "500"}

    collect_threads(hn_settings, engine, [STANDIN_THREAD_ID])

    assert len(stored_comments(engine)) == 36
    assert hn_standin.requests["firebase"] <= 2


@pytest.mark.parametrize("fault", ["500", "null"])
def test_a_lost_item_is_reported_recorded_and_fetched_next_run(
    firebase_settings: Settings, engine: Engine, hn_standin: HNStandin, fault: FaultKind
) -> None:
    """The rest of the thread is stored; the next run picks the lost item up."""
    lost = STANDIN_THREAD_ID + 4  # a top-level comment with two replies
    hn_standin.faults.always = {lost: fault}

    [first] = collect_threads(firebase_settings, engine, [STANDIN_THREAD_ID])
    recorded = unreachable_ids(engine)
    hn_standin.faults.always = {}
    [second] = collect_threads(firebase_settings, engine, [STANDIN_THREAD_ID])

    assert first.error is None
    assert list(first.unreachable) == [lost]
    assert first.unreachable[lost] in ("HTTP 500 Internal Server Error",
                                       "HN answered null for this item")  # fmt: skip
    assert recorded == [lost]
    assert second.unreachable == {}
    assert second.stored is not None and second.stored.added == 3
    assert len(stored_comments(engine)) == 36
    assert unreachable_ids(engine) == []


def unreachable_ids(engine: Engine) -> list[int]:
    """Return the ids recorded as unreachable."""
    with session_scope(engine) as session:
        return list(session.scalars(select(UnreachableItem.id)))


def test_a_thread_whose_story_cannot_be_fetched_fails_alone(
    firebase_settings: Settings, engine: Engine, hn_standin: HNStandin
) -> None:
    """No story, no thread: reported with the reason, nothing half-written."""
    hn_standin.faults.always = {STANDIN_THREAD_ID: "429"}
    hn_standin.faults.is_algolia_down = True

    [outcome] = collect_threads(firebase_settings, engine, [STANDIN_THREAD_ID])

    assert outcome.error == "HTTP 429 Too Many Requests"
    assert stored_comments(engine) == {}
