"""Known threads, thread references given by users, and thread months."""

import pytest

from waywo.errors import InvalidInputError
from waywo.services.collect.catalogue import (
    KNOWN_THREADS,
    is_waywo_title,
    parse_thread_reference,
    thread_month,
)


def test_known_threads_are_unique_monthly_threads() -> None:
    """One id per month at most, and no id twice."""
    months = [(thread.year, thread.month) for thread in KNOWN_THREADS]
    ids = [thread.item_id for thread in KNOWN_THREADS]

    assert len(set(months)) == len(months)
    assert len(set(ids)) == len(ids)
    assert (2024, 8, 41342017) in {(t.year, t.month, t.item_id) for t in KNOWN_THREADS}


@pytest.mark.parametrize(
    ("reference", "item_id"),
    [
        ("41342017", 41342017),
        (41342017, 41342017),
        (" https://news.ycombinator.com/item?id=41342017 ", 41342017),
        ("https://news.ycombinator.com/item?p=2&id=41342017", 41342017),
    ],
)
def test_thread_references_give_the_item_id(reference: str, item_id: int) -> None:
    """An id or an HN item URL names a thread."""
    assert parse_thread_reference(reference) == item_id


@pytest.mark.parametrize(
    "reference", ["", "abc", "-5", "0", "https://example.com/item?id=1"]
)
def test_other_references_are_refused(reference: str) -> None:
    """Anything else is a clear 422 error saying what is expected."""
    with pytest.raises(InvalidInputError, match="Not an HN item id or URL"):
        parse_thread_reference(reference)


def test_thread_month_comes_from_the_title_first() -> None:
    """A thread posted on the last day of a month is about the month in its title."""
    posted_on_may_31 = 1_780_185_600

    assert thread_month("Ask HN: What are you working on? (June 2026)", 0) == (2026, 6)
    assert thread_month("Ask HN: What are you working on?", posted_on_may_31) == (
        2026,
        5,
    )


def test_waywo_titles_are_recognized() -> None:
    """Case and the month suffix do not matter; other Ask HN titles do not match."""
    assert is_waywo_title("Ask HN: What Are You Working On? (April 2026)")
    assert is_waywo_title("ask hn: what are you working on")
    assert not is_waywo_title("Ask HN: Who is hiring? (April 2026)")
