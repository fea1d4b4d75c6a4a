"""Fixtures shared by every test: settings on a temporary data dir, real Redis, app."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine

from tests.standins.hn_server import HNStandin, make_archive
from tests.standins.openai_server import (
    ChatScript,
    EmbeddingScript,
    create_openai_standin,
)
from tests.support.hn import serve_hn, with_hn
from tests.support.loopback import closed_port, serve_in_thread
from waywo import local_redis
from waywo.api.app import create_app
from waywo.redis_store import is_reachable
from waywo.settings import Settings
from waywo.storage.database import get_engine, migrate

REDIS_SERVER_URL = "redis://127.0.0.1:6379"
TEST_REDIS_DB = 15
NEIGHBOUR_REDIS_DB = 14
STANDIN_THREAD_ID = 41_342_017


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Yield the URL of a running Redis on 6379, starting one when none answers."""
    if is_reachable(REDIS_SERVER_URL):
        yield REDIS_SERVER_URL
        return
    process = local_redis.start(REDIS_SERVER_URL, tmp_path_factory.mktemp("redis"))
    yield REDIS_SERVER_URL
    process.terminate()
    process.wait(10)


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """Yield the URL of an empty Redis database that tests own; emptied after too."""
    url = f"{redis_server}/{TEST_REDIS_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep a developer's WAYWO_* variables and .env file out of the tests."""
    for name in list(os.environ):
        if name.startswith("WAYWO_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(tmp_path: Path, redis_url: str) -> Settings:
    """Return settings on a fresh data directory and the test Redis database."""
    return Settings(data_dir=tmp_path / "data", redis_url=redis_url, _env_file=None)


@pytest.fixture
def redis_down_settings(settings: Settings) -> Settings:
    """Return the test settings with Redis on a port where nothing listens."""
    return settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{closed_port()}/0"}
    )


@pytest.fixture
def engine(settings: Settings) -> Engine:
    """Return a migrated engine on the test's own SQLite file."""
    engine = get_engine(settings.database_path, settings.sqlite_busy_timeout)
    migrate(engine)
    return engine


def run_api(settings: Settings) -> Iterator[str]:
    """Serve the real app for these settings on loopback; yield its URL."""
    with serve_in_thread(create_app(settings)) as url:
        yield url


@pytest.fixture
def api_url(settings: Settings, engine: Engine) -> Iterator[str]:
    """Yield the URL of the real app on uvicorn, over the test's settings."""
    yield from run_api(settings)


@pytest.fixture
def hn_standin() -> HNStandin:
    """Return a stand-in thread of 12 top-level comments with 2 replies each."""
    return HNStandin(make_archive(STANDIN_THREAD_ID, top_level=12, replies_each=2))


@pytest.fixture
def hn_url(hn_standin: HNStandin) -> Iterator[str]:
    """Yield the base URL of the HN stand-in, serving ``hn_standin``."""
    with serve_hn(hn_standin) as url:
        yield url


@pytest.fixture
def hn_settings(settings: Settings, hn_url: str) -> Settings:
    """Return the test settings with both HN APIs on the stand-in."""
    return with_hn(settings, hn_url)


@pytest.fixture
def chat_script() -> ChatScript:
    """Return the script of the LLM stand-in: no faults, made-up answers."""
    return ChatScript()


@pytest.fixture
def embedding_script() -> EmbeddingScript:
    """Return the script of the embedder stand-in: 64-d hashed vectors."""
    return EmbeddingScript()


@pytest.fixture
def ai_url(chat_script: ChatScript, embedding_script: EmbeddingScript) -> Iterator[str]:
    """Yield the root URL of the OpenAI-compatible stand-in."""
    with serve_in_thread(create_openai_standin(chat_script, embedding_script)) as url:
        yield url


@pytest.fixture
def ai_settings(settings: Settings, ai_url: str) -> Settings:
    """Return the test settings with the LLM and embedder on the stand-in."""
    return settings.model_copy(
        update={
            "llm_url": f"{ai_url}/v1",
            "llm_model": "standin-llm",
            "embedder_url": ai_url,
            "embedder_model": "standin-embedder",
            "llm_timeout": 1.0,
            "llm_structured_output": "json_schema",
        }
    )
