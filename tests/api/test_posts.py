"""The thread routes over a real server, after collecting from the HN stand-in."""

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from tests.conftest import STANDIN_THREAD_ID, run_api
from tests.support.loopback import closed_port
from waywo.services.collect.run import collect_threads
from waywo.settings import Settings


@pytest.fixture
def api(hn_settings: Settings, engine: Engine) -> Iterator[httpx.Client]:
    """Yield a client of the real app, its HN APIs on the stand-in."""
    for url in run_api(hn_settings):
        with httpx.Client(base_url=url, timeout=30) as client:
            yield client


@pytest.fixture
def collected(hn_settings: Settings, engine: Engine) -> None:
    """Collect the stand-in thread: 12 top-level comments with 24 replies."""
    collect_threads(hn_settings, engine, [STANDIN_THREAD_ID])


@pytest.mark.usefixtures("collected")
def test_posts_list_their_counts_newest_month_first(api: httpx.Client) -> None:
    """Each thread comes with its comment, reply and project counts."""
    api.post("/api/posts", json={"thread": str(STANDIN_THREAD_ID)})

    [post] = api.get("/api/posts").json()

    assert post["id"] == STANDIN_THREAD_ID
    assert (post["comments_count"], post["replies_count"]) == (12, 24)
    assert (post["projects_count"], post["descendants"]) == (0, 36)
    assert (post["year"], post["month"]) == (2024, 8)
    assert post["url"] == f"https://news.ycombinator.com/item?id={STANDIN_THREAD_ID}"


@pytest.mark.usefixtures("collected")
def test_one_post_pages_through_its_comments(api: httpx.Client) -> None:
    """Pages are disjoint and in HN time order; the total counts every page."""
    path = f"/api/posts/{STANDIN_THREAD_ID}"

    first = api.get(path, params={"limit": 5}).json()
    last = api.get(path, params={"limit": 5, "offset": 10}).json()
    everything = api.get(path, params={"include_replies": True, "limit": 500}).json()

    assert first["comments_total"] == last["comments_total"] == 12
    assert len(first["comments"]) == 5 and len(last["comments"]) == 2
    assert all(c["parent_id"] is None for c in first["comments"] + last["comments"])
    assert {c["id"] for c in first["comments"]}.isdisjoint(
        c["id"] for c in last["comments"]
    )
    assert everything["comments_total"] == len(everything["comments"]) == 36


@pytest.mark.usefixtures("collected")
def test_chart_gives_one_row_per_month(api: httpx.Client) -> None:
    """Comments stored (top level), HN's total and projects, per month."""
    assert api.get("/api/posts/chart").json() == [
        {"year": 2024, "month": 8, "comments_stored": 12, "hn_comments": 36,
         "projects": 0}
    ]  # fmt: skip


def test_adding_a_thread_by_url_and_refusing_a_comment(api: httpx.Client) -> None:
    """A story is added (201); a comment id is a 422 naming what it is."""
    url = f"https://news.ycombinator.com/item?id={STANDIN_THREAD_ID}"

    added = api.post("/api/posts", json={"thread": url})
    refused = api.post("/api/posts", json={"thread": str(STANDIN_THREAD_ID + 1)})
    malformed = api.post("/api/posts", json={"thread": "item 12"})

    assert added.status_code == 201
    assert added.json()["comments_count"] == 0
    assert refused.status_code == 422
    assert "is a comment, not a story" in refused.json()["detail"]
    assert malformed.status_code == 422
    assert "Not an HN item id or URL" in malformed.json()["detail"]


def test_bad_requests_name_the_field(api: httpx.Client) -> None:
    """Validation errors are 422 with the field; an unknown thread is a 404."""
    bad_limit = api.get(f"/api/posts/{STANDIN_THREAD_ID}", params={"limit": 0})
    bad_body = api.post("/api/collect", json={"limit_comments": -1})
    missing = api.get("/api/posts/123")

    assert bad_limit.status_code == 422
    assert bad_limit.json()["detail"][0]["loc"] == ["query", "limit"]
    assert bad_body.status_code == 422
    assert bad_body.json()["detail"][0]["loc"] == ["body", "limit_comments"]
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No thread 123 is stored"}


def test_collecting_without_redis_is_a_clear_503(
    hn_settings: Settings, engine: Engine
) -> None:
    """Nothing can be queued when Redis is down, and the answer says so."""
    down = hn_settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{closed_port()}/0"}
    )
    for url in run_api(down):
        response = httpx.post(f"{url}/api/collect", json={}, timeout=60)

        assert response.status_code == 503
        assert "Redis is unreachable" in response.json()["detail"]
