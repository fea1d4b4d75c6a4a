"""The project routes over a real server, on the showcase catalogue."""

import csv
import io
import json
from collections.abc import Iterator
from functools import partial

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from tests.conftest import run_api
from tests.standins.openai_server import hashed_embedding
from tests.support.seed import seed_showcase
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Project


@pytest.fixture
def showcase(engine: Engine) -> dict[str, int]:
    """Seed the showcase with the stand-in embedder's vectors."""
    return seed_showcase(
        engine, partial(hashed_embedding, dimension=64), "standin-embedder"
    )


@pytest.fixture
def api(ai_settings: Settings, engine: Engine) -> Iterator[httpx.Client]:
    """Yield a client of the app on the stand-ins, with an admin token set."""
    settings = ai_settings.model_copy(update={"admin_token": SecretStr("s3cret")})
    for url in run_api(settings):
        with httpx.Client(base_url=url, timeout=30) as client:
            yield client


@pytest.mark.usefixtures("showcase")
def test_search_answers_hits_with_cards_scores_and_how(api: httpx.Client) -> None:
    """A hybrid search names the mode used and links each hit to HN."""
    answer = api.get("/api/search", params={"q": "pottery kiln", "limit": 3}).json()

    top = answer["results"][0]
    assert (answer["mode"], answer["mode_used"]) == ("hybrid", "hybrid")
    assert answer["total"] >= 5 and len(answer["results"]) == 3
    assert top["project"]["title"] == "Kiln"
    assert top["project"]["comment_url"].startswith("https://news.ycombinator.com/")
    assert top["project"]["thread"] == {"id": 7007, "year": 2024, "month": 7}
    assert 0 < top["similarity"] <= 1 and top["keyword_score"] < 0


@pytest.mark.usefixtures("showcase")
def test_lists_filter_and_count(api: httpx.Client) -> None:
    """Filters in the query string; totals over all pages."""
    rust = api.get("/api/projects", params={"hashtag": ["rust", "garden"]}).json()
    august = api.get(
        "/api/projects", params={"month_from": "2024-08", "valid": True, "limit": 1}
    ).json()
    bad = api.get("/api/projects", params={"month_from": "2024-13"})

    assert rust["total"] == 2
    assert {p["title"] for p in rust["projects"]} == {"Rustacean", "GardenBot"}
    assert august["total"] == 2 and len(august["projects"]) == 1
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "month_from"]


def test_one_project_similar_ones_and_hashtags(
    api: httpx.Client, showcase: dict[str, int]
) -> None:
    """Detail with source comment; similar projects; hashtag counts."""
    project_id = showcase["Vectorly"]

    detail = api.get(f"/api/projects/{project_id}").json()
    similar = api.get(f"/api/projects/{project_id}/similar", params={"limit": 2}).json()
    tags = api.get("/api/projects/hashtags", params={"limit": 3}).json()

    assert detail["comment_text"].startswith("I made Vectorly")
    assert detail["author"] == "dan" and detail["thread_title"].startswith("Ask HN")
    assert len(similar) == 2
    assert all(item["project"]["id"] != project_id for item in similar)
    assert tags[0] == {"hashtag": "arduino", "count": 1}
    assert api.get("/api/projects/999999").status_code == 404


def test_bookmarks_toggle_and_filter(
    api: httpx.Client, showcase: dict[str, int]
) -> None:
    """{} toggles, a value sets; the bookmarked filter sees it; no body is a 422."""
    path = f"/api/projects/{showcase['Kiln']}/bookmark"

    toggled = api.post(path, json={}).json()
    kept = api.post(path, json={"is_bookmarked": True}).json()
    listed = api.get("/api/projects", params={"bookmarked": True}).json()
    without_body = api.post(path)

    assert toggled["is_bookmarked"] is True and kept["is_bookmarked"] is True
    assert [p["title"] for p in listed["projects"]] == ["Kiln"]
    assert without_body.status_code == 422


def test_ids_too_large_for_sqlite_are_a_422(api: httpx.Client) -> None:
    """An id past SQLite's integer range names the parameter instead of a 500."""
    huge = "100000000000000000000"

    answers = [
        api.get(f"/api/projects/{huge}"),
        api.get(f"/api/posts/{huge}"),
        api.get(f"/api/comments/{huge}"),
        api.get("/api/comments", params={"post_id": huge}),
    ]

    assert [answer.status_code for answer in answers] == [422] * 4


def test_delete_needs_the_admin_token_and_removes_everywhere(
    api: httpx.Client, showcase: dict[str, int]
) -> None:
    """401 without the token; 204 with it; then gone from lists and search."""
    path = f"/api/projects/{showcase['Tidepool']}"

    refused = api.delete(path)
    deleted = api.delete(path, headers={"Authorization": "Bearer s3cret"})
    search = api.get("/api/search", params={"q": "tide charts sailors"}).json()

    assert refused.status_code == 401
    assert deleted.status_code == 204
    assert api.get(path).status_code == 404
    assert "Tidepool" not in [hit["project"]["title"] for hit in search["results"]]


@pytest.mark.usefixtures("showcase")
def test_exports_stream_the_filtered_list_as_json_lines_and_csv(
    api: httpx.Client,
) -> None:
    """Both formats hold the same filtered rows, with a download file name."""
    params = {"author": "ana", "sort": "oldest"}

    lines = api.get("/api/projects/export", params=params)
    table = api.get("/api/projects/export", params={**params, "format": "csv"})
    searched = api.get(
        "/api/projects/export", params={"q": "pottery", "mode": "keyword"}
    )

    rows = [json.loads(line) for line in lines.text.splitlines()]
    records = list(csv.DictReader(io.StringIO(table.text)))
    assert lines.headers["content-type"] == "application/x-ndjson"
    assert 'filename="waywo-projects.csv"' in table.headers["content-disposition"]
    assert [row["title"] for row in rows] == ["Tidepool", "GardenBot"]
    assert [record["title"] for record in records] == ["Tidepool", "GardenBot"]
    assert records[0]["hashtags"] == "mobile ocean sailing"
    assert records[0]["comment_url"].startswith("https://")
    assert [json.loads(line)["title"] for line in searched.text.splitlines()] == [
        "Kiln"
    ]


def test_search_refuses_an_empty_query_and_a_bad_mode(api: httpx.Client) -> None:
    """422 naming the parameter."""
    empty = api.get("/api/search", params={"q": ""})
    mode = api.get("/api/search", params={"q": "x", "mode": "magic"})

    assert empty.json()["detail"][0]["loc"] == ["query", "q"]
    assert mode.json()["detail"][0]["loc"] == ["query", "mode"]


def test_csv_cells_that_look_like_formulas_are_quoted(
    api: httpx.Client, engine: Engine, showcase: dict[str, int]
) -> None:
    """A title from an HN comment cannot run as a spreadsheet formula."""
    with session_scope(engine) as session:
        session.get_one(Project, showcase["Kiln"]).title = '=HYPERLINK("x")'

    table = api.get("/api/projects/export", params={"format": "csv", "author": "ben"})

    [record] = list(csv.DictReader(io.StringIO(table.text)))
    assert record["title"] == '\'=HYPERLINK("x")'
