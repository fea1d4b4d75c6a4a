"""The pages in a real browser: dashboard, explorer, project, threads, hashtags."""

from collections.abc import Iterator
from functools import partial

import httpx
import pytest
from playwright.sync_api import Page, expect
from pydantic import SecretStr
from sqlalchemy import Engine

from tests.conftest import run_api
from tests.standins.openai_server import hashed_embedding
from tests.support.seed import seed_catalogue, seed_showcase
from tests.web.conftest import has_no_sideways_scroll, save_screenshot
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, Project

XSS_COMMENT = (
    "Look: <script>alert('script ran')</script>"
    "<img src=x onerror=\"alert('onerror ran')\">"
    '<a href="javascript:alert(3)">bad link</a> '
    '<a href="https://ok.example/path">good link</a>'
)


@pytest.fixture
def showcase_site(ai_settings: Settings, engine: Engine) -> Iterator[str]:
    """Serve the app over the showcase and one comment full of script payloads."""
    ids = seed_showcase(
        engine, partial(hashed_embedding, dimension=64), "standin-embedder"
    )
    with session_scope(engine) as session:
        session.get_one(Comment, 7100).text_html = XSS_COMMENT
    for url in run_api(ai_settings):
        yield f"{url}|{ids['Tidepool']}"


@pytest.fixture
def admin_site(settings: Settings, engine: Engine) -> Iterator[str]:
    """Serve the app over the seeded catalogue: 3 threads, 10 comments, 7 projects."""
    seed_catalogue(engine)
    yield from run_api(settings)


def test_the_dashboard_shows_the_seeded_counts(page: Page, admin_site: str) -> None:
    """Tiles fill from the admin API; Redis connected; three service cards."""
    page.goto(f"{admin_site}/admin")

    expect(page.locator('[data-stat="posts_count"]')).to_have_text("3")
    expect(page.locator('[data-stat="comments_count"]')).to_have_text("10")
    expect(page.locator('[data-stat="projects_count"]')).to_have_text("7")
    expect(page.locator('[data-stat="invalid_projects_count"]')).to_have_text("2")
    expect(page.locator('[data-stat="redis_connected"]')).to_have_text("connected")
    expect(page.locator('[data-service="llm"] [data-field="status"]')).to_have_text(
        "not_configured"
    )
    expect(page.locator('[data-celery="queued"]')).to_have_text("0")
    assert has_no_sideways_scroll(page)
    save_screenshot(page, "admin")


def test_a_reset_needs_confirming_and_then_shows_zero(
    page: Page, admin_site: str
) -> None:
    """The first click only asks; cancel keeps the rows; yes resets them."""
    page.goto(f"{admin_site}/admin")
    posts = page.locator('[data-stat="posts_count"]')
    expect(posts).to_have_text("3")

    page.click('[data-action="reset-sqlite"]')
    expect(page.locator("#confirm")).to_be_visible()
    page.click("#confirm-no")
    expect(page.locator("#action-result")).to_have_text("Cancelled.")
    page.click('[data-action="reset-sqlite"]')
    page.click("#confirm-yes")

    expect(page.locator("#action-result")).to_contain_text(
        "SQLite database has been reset"
    )
    expect(posts).to_have_text("0")
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_the_rebuild_button_reports_success(page: Page, admin_site: str) -> None:
    """The index rebuild answers with the spec's message."""
    page.goto(f"{admin_site}/admin")

    page.click('[data-action="rebuild"]')

    expect(page.locator("#action-result")).to_have_text(
        "Done: Vector index rebuilt successfully"
    )


def test_a_failing_redis_shows_as_disconnected(
    page: Page, redis_down_settings: Settings, engine: Engine
) -> None:
    """Counts still show; Redis says disconnected, with the reason."""
    seed_catalogue(engine)
    for url in run_api(redis_down_settings):
        page.goto(f"{url}/admin")

        expect(page.locator('[data-stat="redis_connected"]')).to_have_text(
            "disconnected"
        )
        expect(page.locator("#redis-error")).to_contain_text("Connection refused")
        expect(page.locator('[data-stat="posts_count"]')).to_have_text("3")
        expect(page.locator("#celery-error")).to_have_text("Redis is unreachable")


def test_the_dashboard_asks_for_the_token_once_and_sends_it(
    page: Page, settings: Settings, engine: Engine
) -> None:
    """With a token configured, the page asks for it and actions carry it."""
    seed_catalogue(engine)
    guarded = settings.model_copy(update={"admin_token": SecretStr("s3cret")})
    for url in run_api(guarded):
        page.goto(f"{url}/admin")
        expect(page.locator("#token-form")).to_be_visible()
        page.fill("#token-input", "s3cret")
        page.click("#token-form button")
        page.click('[data-action="rebuild"]')

        expect(page.locator("#token-form")).to_be_hidden()
        expect(page.locator("#action-result")).to_have_text(
            "Done: Vector index rebuilt successfully"
        )


def test_the_explorer_finds_by_a_description_word_and_by_a_filter(
    page: Page, showcase_site: str
) -> None:
    """A word only the description holds finds the project; a hashtag filters."""
    url, _ = showcase_site.split("|")
    page.goto(url)
    expect(page.locator("#result-count")).to_have_text("5 projects")

    page.fill('input[name="q"]', "glaze")
    page.click('form.search button[type="submit"]')
    expect(page.locator(".card h3").first).to_have_text("Kiln")
    save_screenshot(page, "explorer-search")

    page.goto(f"{url}/?hashtags=arduino")
    expect(page.locator(".card h3")).to_have_text(["GardenBot"])
    assert has_no_sideways_scroll(page)


def test_bad_filter_input_is_explained_on_the_page(
    page: Page, showcase_site: str
) -> None:
    """A score out of range is a message on the page, not a crash."""
    url, _ = showcase_site.split("|")

    response = page.goto(f"{url}/?idea_min=42")

    assert response is not None and response.status == 422
    expect(page.locator(".error")).to_have_text(
        "Idea from must be a whole number from 1 to 10"
    )


def test_comment_html_never_runs_script(page: Page, showcase_site: str) -> None:
    """Payloads in a comment are stripped; links keep rel=nofollow noopener."""
    url, project_id = showcase_site.split("|")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))

    page.goto(f"{url}/projects/{project_id}")

    body = page.locator("#comment-body")
    expect(body).to_contain_text("Look:")
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert body.locator("script, img").count() == 0
    assert body.locator('a[href^="javascript"]').count() == 0
    assert body.locator('a[href="https://ok.example/path"]').get_attribute("rel") == (
        "nofollow noopener"
    )
    assert errors == []
    expect(page.locator(".cards .card")).not_to_have_count(0)
    assert has_no_sideways_scroll(page)
    save_screenshot(page, "project")


def test_threads_and_hashtags_pages_draw_their_charts(
    page: Page, showcase_site: str
) -> None:
    """One bar pair per month; hashtag bars link to the explorer."""
    url, _ = showcase_site.split("|")

    page.goto(f"{url}/threads")
    expect(page.locator("rect.bar.comments")).to_have_count(3)
    expect(page.locator("table.threads tbody tr")).to_have_count(3)
    save_screenshot(page, "threads")
    page.goto(f"{url}/hashtags")

    expect(page.locator("svg.hashtags rect.bar")).to_have_count(15)
    assert has_no_sideways_scroll(page)
    save_screenshot(page, "hashtags")


def test_every_page_sends_a_strict_content_security_policy(
    showcase_site: str,
) -> None:
    """No inline script may run, whatever got into the HTML."""
    url, project_id = showcase_site.split("|")

    for path in ("/", f"/projects/{project_id}", "/threads", "/hashtags", "/admin"):
        policy = httpx.get(url + path).headers["content-security-policy"]

        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_projects_without_the_cooking_one_by_default(
    page: Page, showcase_site: str, engine: Engine
) -> None:
    """The explorer shows valid projects unless asked for the invalid ones."""
    url, _ = showcase_site.split("|")
    with session_scope(engine) as session:
        invalid = session.query(Project).filter(Project.is_valid.is_(False)).count()

    page.goto(f"{url}/?validity=invalid")

    expect(page.locator(".card")).to_have_count(invalid)
    expect(page.locator(".card h3")).to_have_text(["Not a project"])
