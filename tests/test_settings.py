"""The settings object: defaults, WAYWO_* variables, and clear errors for bad values."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from waywo.errors import ConfigurationError
from waywo.settings import Settings, read_settings


def test_defaults_run_on_one_machine() -> None:
    """Without configuration: local Redis DB 0, ./data, API on 127.0.0.1:8008."""
    defaults = Settings(_env_file=None)

    assert defaults.redis_url == "redis://127.0.0.1:6379/0"
    assert str(defaults.database_path) == "data/waywo.sqlite3"
    assert (defaults.host, defaults.port) == ("127.0.0.1", 8008)
    assert defaults.uses_default_redis
    assert defaults.hn_firebase_url == "https://hacker-news.firebaseio.com/v0"
    assert defaults.hn_algolia_url == "https://hn.algolia.com/api/v1"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each WAYWO_* variable sets its field; the API key stays a secret."""
    monkeypatch.setenv("WAYWO_LLM_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("WAYWO_LLM_API_KEY", "sk-abc")
    monkeypatch.setenv("WAYWO_REDIS_URL", "redis://127.0.0.1:6379/4")
    monkeypatch.setenv("WAYWO_LOG_LEVEL", "debug")

    settings = read_settings()

    assert settings.llm_url == "http://127.0.0.1:11434/v1"
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == "sk-abc"
    assert "sk-abc" not in repr(settings)
    assert not settings.uses_default_redis
    assert settings.log_level == "DEBUG"


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A .env file in the working directory configures waywo too."""
    (tmp_path / ".env").write_text("WAYWO_PORT=9001\nWAYWO_ADMIN_TOKEN=t0k\n")
    monkeypatch.chdir(tmp_path)

    settings = read_settings()

    assert settings.port == 9001
    assert settings.admin_token is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("redis_url", "127.0.0.1:6379/0"),
        ("llm_url", "localhost:8000/v1"),
        ("embedder_url", "http://[::1:8000"),
        ("reranker_url", "ftp://host/rerank"),
        ("hn_algolia_url", "not a url"),
    ],
)
def test_malformed_urls_are_refused(field: str, value: str) -> None:
    """A URL waywo could not use is refused when the settings are read."""
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, **{field: value})

    assert raised.value.errors()[0]["loc"] == (field,)


def test_read_settings_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The error of a bad variable names it as the operator wrote it."""
    monkeypatch.setenv("WAYWO_REDIS_URL", "127.0.0.1:6379")

    with pytest.raises(ConfigurationError) as raised:
        read_settings()

    assert raised.value.message.startswith("Invalid settings: WAYWO_REDIS_URL:")
