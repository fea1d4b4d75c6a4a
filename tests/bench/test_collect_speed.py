"""Benchmark: collecting a 500-comment thread behind 50 ms of latency per request.

The naive baseline fetches every item from Firebase one after another, as a
first script would. Run with ``./scripts/test -m benchmark -k collect``.
"""

import time

import httpx
import pytest
from sqlalchemy import Engine

from tests.standins.hn_server import HNStandin, make_archive
from tests.support.hn import serve_hn, stored_comments, with_hn
from waywo.services.collect.run import collect_threads
from waywo.settings import Settings

pytestmark = pytest.mark.benchmark

THREAD_ID = 45_000_000
LATENCY_SECONDS = 0.05
TARGET_RATIO = 15.0


def fetch_one_by_one(firebase_url: str, story_id: int) -> int:
    """Walk the thread through Firebase, one request at a time; return items seen."""
    seen = 0
    pending = [story_id]
    with httpx.Client(timeout=30) as client:
        while pending:
            item = client.get(f"{firebase_url}/item/{pending.pop(0)}.json").json()
            seen += 1
            pending += item.get("kids", [])
    return seen - 1


def timed(action: object) -> tuple[float, object]:
    """Return how long the call took and what it returned."""
    started = time.perf_counter()
    result = action()  # type: ignore[operator]
    return time.perf_counter() - started, result


def test_collector_against_sequential_fetching(
    settings: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both the Algolia path and the concurrent Firebase walk beat the baseline."""
    standin = HNStandin(make_archive(THREAD_ID, top_level=250, replies_each=1))
    standin.faults.latency_seconds = LATENCY_SECONDS

    with serve_hn(standin) as url:
        base = with_hn(settings, url)
        naive_seconds, naive_count = timed(
            lambda: fetch_one_by_one(base.hn_firebase_url, THREAD_ID)
        )
        algolia_seconds, _ = timed(lambda: collect_threads(base, engine, [THREAD_ID]))
        engine_rows = len(stored_comments(engine))
        firebase = base.model_copy(update={"hn_source": "firebase"})
        firebase_seconds, _ = timed(
            lambda: collect_threads(firebase, engine, [THREAD_ID])
        )

    with capsys.disabled():
        print(  # noqa: T201
            f"\ncollect 500 comments @ {LATENCY_SECONDS * 1000:.0f} ms: "
            f"sequential {naive_seconds:.2f} s; "
            f"algolia path {algolia_seconds:.2f} s "
            f"({naive_seconds / algolia_seconds:.0f}x); "
            f"firebase walk x{base.hn_concurrency} {firebase_seconds:.2f} s "
            f"({naive_seconds / firebase_seconds:.1f}x)"
        )
    assert naive_count == engine_rows == 500
    assert naive_seconds / algolia_seconds >= TARGET_RATIO
