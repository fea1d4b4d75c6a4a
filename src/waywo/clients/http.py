"""The HTTP plumbing every client shares: one logged request, errors translated."""

import asyncio
import logging
import time
from typing import Any

import httpx
from pydantic import SecretStr

from waywo.errors import ServiceUnavailableError, describe_error
from waywo.urls import redact_url

logger = logging.getLogger(__name__)


async def get_json(
    service: str, url: str, *, timeout: float, headers: dict[str, str] | None = None
) -> Any:
    """GET a URL and return its JSON body, or raise ``ServiceUnavailableError``.

    ``timeout`` bounds the whole call, not each phase, so a slow trickle of bytes
    cannot stretch it.
    """
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await asyncio.wait_for(client.get(url, headers=headers), timeout)
    except (httpx.TimeoutException, TimeoutError) as exc:
        _log_failure(service, url, started, "timeout")
        raise ServiceUnavailableError(f"Timed out after {timeout:g} s") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        reason = describe_error(exc)
        _log_failure(service, url, started, reason)
        raise ServiceUnavailableError(reason) from exc

    logger.info(
        "%s GET %s -> %d in %.0f ms",
        service,
        redact_url(url),
        response.status_code,
        _milliseconds_since(started),
    )
    if response.is_error:
        raise ServiceUnavailableError(
            f"HTTP {response.status_code} {response.reason_phrase}"
        )
    try:
        return response.json()
    except ValueError as exc:
        raise ServiceUnavailableError("Answer is not valid JSON") from exc


def service_client(timeout: float, api_key: SecretStr | None) -> httpx.Client:
    """Return a client for one AI service: its timeout, its key if it has one."""
    key = api_key.get_secret_value() if api_key else None
    return httpx.Client(timeout=timeout, headers=bearer_headers(key))


def bearer_headers(api_key: str | None) -> dict[str, str]:
    """Return an Authorization header for the key, or none without a key."""
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


def _log_failure(
    service: str, url: str, started: float, reason: str, method: str = "GET"
) -> None:
    logger.info(
        "%s %s %s failed in %.0f ms: %s",
        service,
        method,
        redact_url(url),
        _milliseconds_since(started),
        reason,
    )


def _milliseconds_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def post_json(
    service: str, client: httpx.Client, url: str, body: dict[str, Any]
) -> httpx.Response:
    """POST JSON with the client's timeout; return the answer, whatever its status.

    Connection failures and timeouts become ``ServiceUnavailableError``; the
    caller decides what a 4xx or 5xx means for its service.
    """
    started = time.perf_counter()
    try:
        response = client.post(url, json=body)
    except httpx.TimeoutException as exc:
        _log_failure(service, url, started, "timeout", method="POST")
        raise ServiceUnavailableError(
            f"{service} timed out after {_timeout_of(client):g} s"
        ) from exc
    except httpx.HTTPError as exc:
        reason = describe_error(exc)
        _log_failure(service, url, started, reason, method="POST")
        raise ServiceUnavailableError(f"{service} unreachable: {reason}") from exc

    logger.info(
        "%s POST %s -> %d in %.0f ms",
        service,
        redact_url(url),
        response.status_code,
        _milliseconds_since(started),
    )
    return response


def error_of(service: str, response: httpx.Response) -> ServiceUnavailableError:
    """Return the error for an answer with a 4xx or 5xx status."""
    return ServiceUnavailableError(
        f"{service} answered HTTP {response.status_code} {response.reason_phrase}"
    )


def _timeout_of(client: httpx.Client) -> float:
    return client.timeout.read or client.timeout.connect or 0.0
