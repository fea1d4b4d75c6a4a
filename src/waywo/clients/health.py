"""The health report every AI service client gives, in the admin API's shape."""

import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from waywo.errors import ServiceUnavailableError
from waywo.urls import redact_url

HealthStatus = Literal["healthy", "unhealthy", "not_configured"]


class ServiceHealth(BaseModel):
    """How one outside service answered its probe."""

    status: HealthStatus
    url: str | None = Field(None, description="Where it was probed, without secrets.")
    configured_model: str | None = None
    available_models: list[str] | None = None
    is_configured_model_available: bool | None = None
    device: str | None = Field(None, description="As the service reports it.")
    details: dict[str, Any] | None = Field(
        None, description="The service's own health answer."
    )
    latency_ms: float | None = None
    error: str | None = None


async def run_probe(
    url: str | None,
    configured_model: str | None,
    probe: Callable[[str], Awaitable[ServiceHealth]],
) -> ServiceHealth:
    """Run a probe on a configured URL, turning its failure into an unhealthy report."""
    if not url:
        return ServiceHealth(
            status="not_configured",
            configured_model=configured_model,
            error="No URL configured",
        )

    started = time.perf_counter()
    try:
        health = await probe(url)
    except ServiceUnavailableError as exc:
        health = ServiceHealth(
            status="unhealthy", configured_model=configured_model, error=exc.message
        )
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    return health.model_copy(update={"url": redact_url(url), "latency_ms": latency_ms})
