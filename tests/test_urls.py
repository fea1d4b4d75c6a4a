"""URL helpers: secrets removed for display, paths joined without losing queries."""

import pytest

from waywo.urls import join_url, redact_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:pw@localhost:6379/1", "redis://:***@localhost:6379/1"),
        ("http://user:pw@host:8000/v1?key=pw", "http://user:***@host:8000/v1"),
        ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"),
    ],
)
def test_redact_url_hides_passwords_and_queries(url: str, shown: str) -> None:
    """Passwords and query strings never reach a log line or a reply."""
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("base", "path", "joined"),
    [
        ("http://h/v1", "models", "http://h/v1/models"),
        ("http://h/v1/", "/models", "http://h/v1/models"),
        ("http://h/v1?key=k", "models", "http://h/v1/models?key=k"),
        ("http://h:8000", "/health", "http://h:8000/health"),
    ],
)
def test_join_url_appends_to_the_path(base: str, path: str, joined: str) -> None:
    """One slash between base and path; the query string stays at the end."""
    assert join_url(base, path) == joined
