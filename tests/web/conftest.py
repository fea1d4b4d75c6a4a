"""A real Chromium (Debian's package) driven by Playwright, against real servers."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """Return Debian's Chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Yield a headless Chromium for the whole session."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture(params=[1280, 375], ids=["desktop", "phone"])
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Yield a fresh page at 1280 px and at 375 px wide, failing on script dialogs."""
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    yield page
    context.close()


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as an artifact; return its path."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{width}px.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def has_no_sideways_scroll(page: Page) -> bool:
    """Tell whether the page fits its viewport's width."""
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    )
