"""The LLM: any server speaking the OpenAI chat completions API."""

import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from waywo.clients.health import ServiceHealth, run_probe
from waywo.clients.http import bearer_headers, error_of, get_json, post_json
from waywo.errors import ServiceUnavailableError
from waywo.settings import Settings
from waywo.urls import join_url

logger = logging.getLogger(__name__)


async def check_health(settings: Settings) -> ServiceHealth:
    """Ask ``GET {base}/models`` which models the server offers."""
    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None

    async def probe(url: str) -> ServiceHealth:
        body = await get_json(
            "llm",
            join_url(url, "models"),
            timeout=settings.health_timeout,
            headers=bearer_headers(api_key),
        )
        models = [
            str(entry["id"])
            for entry in (body.get("data") or [] if isinstance(body, dict) else [])
            if isinstance(entry, dict) and "id" in entry
        ]
        is_available = settings.llm_model in models if settings.llm_model else None
        return ServiceHealth(
            status="healthy",
            configured_model=settings.llm_model,
            available_models=models,
            is_configured_model_available=is_available,
        )

    return await run_probe(settings.llm_url, settings.llm_model, probe)


NO_LLM_MESSAGE = (
    "No LLM is configured: set WAYWO_LLM_URL to an OpenAI-style base ending in /v1 "
    "(e.g. http://127.0.0.1:11434/v1 for Ollama) and WAYWO_LLM_MODEL to its model"
)
# Statuses with which servers refuse a response_format they do not support.
SCHEMA_REFUSAL_STATUSES = frozenset({400, 415, 422})


@dataclass(frozen=True)
class ChatAnswer:
    """What the LLM answered, with what it cost."""

    content: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    calls: int = 1


def require_llm(settings: Settings) -> None:
    """Refuse, saying how to configure one, when no LLM is configured."""
    if not settings.llm_url or not settings.llm_model:
        raise ServiceUnavailableError(NO_LLM_MESSAGE)


class ChatClient:
    """An OpenAI-style chat completions client that asks for JSON."""

    def __init__(self, settings: Settings) -> None:
        require_llm(settings)
        assert settings.llm_url and settings.llm_model  # for mypy: checked above
        api_key = settings.llm_api_key
        self.model = settings.llm_model
        self._url = join_url(settings.llm_url, "chat/completions")
        self._max_tokens = settings.llm_max_tokens
        self._may_fall_back = settings.llm_structured_output == "auto"
        self._style = (
            "json_schema" if self._may_fall_back else settings.llm_structured_output
        )
        self._http = httpx.Client(
            timeout=settings.llm_timeout,
            headers=bearer_headers(api_key.get_secret_value() if api_key else None),
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def complete(
        self, messages: list[dict[str, str]], schema_name: str, schema: dict[str, Any]
    ) -> ChatAnswer:
        """Ask for an answer following the schema; raise on any failure to answer.

        In ``auto`` style a server that refuses JSON schemas is asked once more in
        JSON mode, and the client keeps to JSON mode from then on.
        """
        started = time.perf_counter()
        calls = 1
        response = self._post(messages, schema_name, schema)
        if self._is_schema_refusal(response):
            logger.warning(
                "LLM refused response_format json_schema (HTTP %d); using JSON mode",
                response.status_code,
            )
            self._style = "json_object"
            calls += 1
            response = self._post(messages, schema_name, schema)

        if response.is_error:
            raise error_of("LLM", response)
        return self._read(response, started, calls)

    def _post(
        self, messages: list[dict[str, str]], schema_name: str, schema: dict[str, Any]
    ) -> httpx.Response:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self._max_tokens,
            "response_format": self._response_format(schema_name, schema),
        }
        return post_json("llm", self._http, self._url, body)

    def _response_format(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        if self._style == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": True},
            }
        return {"type": "json_object"}

    def _is_schema_refusal(self, response: httpx.Response) -> bool:
        return (
            self._may_fall_back
            and self._style == "json_schema"
            and response.status_code in SCHEMA_REFUSAL_STATUSES
        )

    def _read(self, response: httpx.Response, started: float, calls: int) -> ChatAnswer:
        try:
            body = response.json()
            content = body["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ServiceUnavailableError(
                "LLM answer is not a chat completion"
            ) from exc
        usage = body.get("usage") or {}
        return ChatAnswer(
            content=str(content or ""),
            model=str(body.get("model") or self.model),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            calls=calls,
        )
