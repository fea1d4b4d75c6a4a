"""The LLM: any server speaking the OpenAI chat completions API."""

import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from waywo.clients.health import ServiceHealth, run_probe
from waywo.clients.http import (
    bearer_headers,
    error_of,
    get_json,
    post_json,
    service_client,
)
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
# Statuses with which servers refuse a response_format they do not support;
# llama.cpp's Python server answers 500 to json_schema.
REFUSAL_STATUSES = frozenset({400, 415, 422, 500})
# What ``auto`` tries, in order, until the server takes one.
AUTO_STYLES = ("json_schema", "json_object_schema", "json_object")


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
        self.model = settings.llm_model
        self._url = join_url(settings.llm_url, "chat/completions")
        self._max_tokens = settings.llm_max_tokens
        self._is_auto = settings.llm_structured_output == "auto"
        self._has_found_style = False
        self._style: str = (
            "json_schema" if self._is_auto else settings.llm_structured_output
        )
        self._http = service_client(settings.llm_timeout, settings.llm_api_key)

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def complete(
        self, messages: list[dict[str, str]], schema_name: str, schema: dict[str, Any]
    ) -> ChatAnswer:
        """Ask for an answer following the schema; raise on any failure to answer.

        In ``auto`` style, until one way of asking for JSON has worked, a refusal
        tries the next (JSON schema, llama.cpp's schema in JSON mode, plain JSON
        mode); the first that works is kept. After that an error is an error.
        """
        started = time.perf_counter()
        calls = 1
        response = self._post(messages, schema_name, schema, self._style)
        for style in self._fallbacks():
            if response.status_code not in REFUSAL_STATUSES:
                break
            logger.warning(
                "LLM answered HTTP %d to %s; trying %s",
                response.status_code, self._style, style,
            )  # fmt: skip
            calls += 1
            response = self._post(messages, schema_name, schema, style)
            if not response.is_error:
                self._style = style

        if response.is_error:
            raise error_of("LLM", response)
        self._has_found_style = True
        return self._read(response, started, calls)

    def _fallbacks(self) -> tuple[str, ...]:
        if not self._is_auto or self._has_found_style:
            return ()
        return AUTO_STYLES[AUTO_STYLES.index(self._style) + 1 :]

    def _post(
        self,
        messages: list[dict[str, str]],
        schema_name: str,
        schema: dict[str, Any],
        style: str,
    ) -> httpx.Response:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self._max_tokens,
        }
        if style == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "schema": schema, "strict": True},
            }
        elif style == "json_object_schema":
            body["response_format"] = {"type": "json_object", "schema": schema}
        elif style == "ollama":
            body["format"] = schema
        else:
            body["response_format"] = {"type": "json_object"}
        return post_json("llm", self._http, self._url, body)

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
