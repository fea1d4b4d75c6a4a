"""The comment routes over a real server, on seeded and extracted comments."""

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from tests.conftest import run_api
from tests.support.seed import seed_catalogue, seed_comments
from waywo.services.extract.process import Extractor
from waywo.settings import Settings


def client_of(settings: Settings) -> Iterator[httpx.Client]:
    """Yield a client of the real app over these settings."""
    for url in run_api(settings):
        with httpx.Client(base_url=url, timeout=30) as client:
            yield client


@pytest.fixture
def api(ai_settings: Settings, engine: Engine) -> Iterator[httpx.Client]:
    """Yield a client of the app configured with the AI stand-ins."""
    yield from client_of(ai_settings)


def test_comments_filter_by_thread_and_state_with_totals(
    api: httpx.Client, engine: Engine
) -> None:
    """The seeded catalogue: 10 top-level comments, 6 pending, 4 in thread 101."""
    seed_catalogue(engine)

    pending = api.get("/api/comments", params={"state": "pending", "limit": 4}).json()
    thread = api.get("/api/comments", params={"post_id": 101}).json()
    everything = api.get("/api/comments", params={"include_replies": True}).json()
    bad_state = api.get("/api/comments", params={"state": "done"})

    assert (pending["total"], len(pending["comments"])) == (6, 4)
    assert {c["state"] for c in pending["comments"]} == {"pending"}
    assert thread["total"] == 4 and {c["post_id"] for c in thread["comments"]} == {101}
    assert everything["total"] == 12
    assert bad_state.status_code == 422
    assert bad_state.json()["detail"][0]["loc"] == ["query", "state"]


def test_one_comment_comes_with_its_text_thread_and_projects(
    api: httpx.Client, ai_settings: Settings, engine: Engine
) -> None:
    """After extraction the detail shows the projects and what the call cost."""
    [comment_id] = seed_comments(engine, ["My app &amp; <i>its</i> site<p>Second"])
    extractor = Extractor.open(ai_settings, engine)
    extractor.extract(comment_id)
    extractor.close()

    detail = api.get(f"/api/comments/{comment_id}").json()

    assert detail["text"] == "My app & its site\n\nSecond"
    assert detail["state"] == "processed" and detail["llm_calls"] == 1
    assert detail["post"]["id"] == 5000
    assert [p["title"] for p in detail["projects"]] == ["My app &"]
    assert detail["projects"][0]["embedding_dim"] == 64
    assert "embedding" not in detail["projects"][0]


def test_processing_queues_a_task_and_refuses_what_cannot_be_done(
    api: httpx.Client, engine: Engine
) -> None:
    """202 with a task for a top-level comment; 422 for a reply; 404 for none."""
    seed_catalogue(engine)

    queued = api.post("/api/comments/1000/process")
    reply = api.post("/api/comments/2000/process")
    missing = api.post("/api/comments/77/process")
    batch = api.post("/api/extract", json={"limit": 2})
    retry = api.post("/api/comments/retry-failed", json={})
    status = api.get(queued.json()["status_url"])

    assert queued.status_code == 202 and batch.status_code == 202
    assert retry.status_code == 202
    assert status.json()["state"] == "PENDING"
    assert reply.status_code == 422 and "is a reply" in reply.json()["detail"]
    assert missing.json() == {"detail": "No comment 77 is stored"}
    assert api.post("/api/extract", json={"limit": 0}).status_code == 422


def test_extraction_without_an_llm_says_how_to_configure_one(
    settings: Settings, engine: Engine
) -> None:
    """503 with the settings to set; the comment routes still read."""
    seed_catalogue(engine)

    for api in client_of(settings):
        refused = api.post("/api/extract", json={})
        listed = api.get("/api/comments")

        assert refused.status_code == 503
        assert "WAYWO_LLM_URL" in refused.json()["detail"]
        assert listed.json()["total"] == 10
