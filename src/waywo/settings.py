"""The one configuration object, read from ``WAYWO_*`` variables and ``.env``."""

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from waywo.errors import ConfigurationError

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_PORT = 8008
LOCAL_EMBEDDER_MODEL = "wordllama-l2_supercat-256"
LOCAL_RERANKER_MODEL = "fused-keyword-vector"
REDIS_SCHEMES = ("redis", "rediss", "unix")


class Settings(BaseSettings):
    """Everything an operator can set; read once at an entry point, then passed down."""

    model_config = SettingsConfigDict(
        env_prefix="WAYWO_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(
        Path("./data"), description="Holds the SQLite file and the vector index."
    )
    redis_url: str = Field(
        DEFAULT_REDIS_URL,
        description="Broker, result store and cache; its DB number is ours.",
    )

    llm_url: str | None = Field(
        None,
        description="OpenAI-style base URL ending in /v1, e.g. http://127.0.0.1:11434/v1.",
    )
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_structured_output: Literal[
        "auto", "json_schema", "json_object_schema", "json_object", "ollama"
    ] = Field(
        "auto",
        description="json_schema (OpenAI, vLLM), json_object_schema (llama.cpp), "
        "ollama (its 'format' field), json_object (JSON mode); auto tries them in "
        "that order until the server takes one.",
    )
    llm_max_tokens: int = Field(2048, ge=64, le=32768, description="Cap on the answer.")

    embedder_url: str | None = Field(
        None, description="Root URL of the embedding service."
    )
    embedder_model: str | None = None
    embedder_api_key: SecretStr | None = None
    embedder_health_path: str = "/health"
    embedder_batch_size: int = Field(64, ge=1, le=2048, description="Texts a call.")
    embedder_provider: Literal["auto", "remote", "local"] = Field(
        "auto",
        description="auto: the service at WAYWO_EMBEDDER_URL if set, else the "
        "local CPU embedder shipped with waywo.",
    )

    reranker_url: str | None = Field(
        None, description="Root URL of the rerank service."
    )
    reranker_model: str | None = None
    reranker_api_key: SecretStr | None = None
    reranker_health_path: str = "/health"
    reranker_provider: Literal["auto", "remote", "local", "none"] = Field(
        "auto",
        description="auto: the service at WAYWO_RERANKER_URL if set, else the "
        "local fused keyword and vector reranker.",
    )
    reranker_api: Literal["cohere", "tei", "nim"] = Field(
        "cohere",
        description="cohere: POST /v1/rerank (Cohere, Jina, vLLM, llama.cpp); tei: "
        "POST /rerank (Hugging Face TEI); nim: POST /v1/ranking (NVIDIA NIM).",
    )
    rerank_top: int = Field(
        50, ge=1, le=500, description="Search hits the reranker re-orders."
    )
    search_pool: int = Field(
        100, ge=10, le=10000, description="Nearest projects a semantic search keeps."
    )

    admin_token: SecretStr | None = Field(
        None, description="When set, destructive admin routes need 'Bearer <token>'."
    )

    hn_firebase_url: str = "https://hacker-news.firebaseio.com/v0"
    hn_algolia_url: str = "https://hn.algolia.com/api/v1"
    hn_source: Literal["algolia", "firebase"] = Field(
        "algolia",
        description="algolia: one request per thread tree, Firebase for what it "
        "lacks; firebase: one request per item.",
    )
    hn_concurrency: int = Field(16, ge=1, le=256, description="HN requests at once.")
    hn_attempts: int = Field(4, ge=1, le=10, description="Tries per HN request.")

    extract_concurrency: int = Field(
        4, ge=1, le=64, description="Comments in flight in 'waywo extract'."
    )
    extract_max_attempts: int = Field(
        3, ge=1, le=20, description="Tries before a comment is marked failed."
    )
    extract_time_limit: float = Field(
        600.0, gt=0, description="Seconds a worker may spend on one comment."
    )
    task_visibility_timeout: float = Field(
        3600.0,
        gt=0,
        description="Seconds before Redis gives a task whose worker died to "
        "another worker; keep it above the longest task.",
    )

    local_threads: int = Field(
        1, ge=1, le=64, description="CPU threads the local models may use."
    )

    host: str = "127.0.0.1"
    port: int = Field(DEFAULT_PORT, ge=1, le=65535)

    health_timeout: float = Field(5.0, gt=0, description="Seconds per service probe.")
    llm_timeout: float = Field(120.0, gt=0)
    embedder_timeout: float = Field(30.0, gt=0)
    reranker_timeout: float = Field(30.0, gt=0)
    hn_timeout: float = Field(15.0, gt=0)
    redis_timeout: float = Field(2.0, gt=0, description="Seconds to connect to Redis.")
    sqlite_busy_timeout: float = Field(
        10.0, gt=0, description="Seconds to wait on a lock."
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in REDIS_SCHEMES:
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator(
        "llm_url",
        "embedder_url",
        "reranker_url",
        "hn_firebase_url",
        "hn_algolia_url",
    )
    @classmethod
    def _check_http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parts = urlsplit(value)
            _ = parts.port  # raises on a malformed port
        except ValueError as exc:
            raise ValueError(f"is not a valid URL: {exc}") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_case_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @cached_property
    def database_path(self) -> Path:
        """Return the SQLite file inside the data directory."""
        return self.data_dir / "waywo.sqlite3"

    @cached_property
    def index_dir(self) -> Path:
        """Return the folder that holds the vector index."""
        return self.data_dir / "index"

    @property
    def extract_lease_seconds(self) -> float:
        """Return how long a claim on a comment lasts: past any live worker's."""
        return self.extract_time_limit + min(30.0, self.extract_time_limit / 2)

    @property
    def uses_remote_embedder(self) -> bool:
        """Tell whether embeddings come from a service rather than this process."""
        if self.embedder_provider == "auto":
            return bool(self.embedder_url)
        return self.embedder_provider == "remote"

    @property
    def embedding_model(self) -> str | None:
        """Return the name stored with new vectors; searches use only these."""
        return (
            self.embedder_model if self.uses_remote_embedder else LOCAL_EMBEDDER_MODEL
        )

    @property
    def uses_default_redis(self) -> bool:
        """Tell whether the operator left the Redis URL at its default."""
        return self.redis_url == DEFAULT_REDIS_URL


def read_settings() -> Settings:
    """Read the settings, turning a malformed value into a ``ConfigurationError``."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"WAYWO_{'_'.join(map(str, error['loc'])).upper()}: {error['msg']}"
            for error in exc.errors()
        )
        raise ConfigurationError(f"Invalid settings: {problems}") from exc
