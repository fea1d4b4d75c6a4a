"""Health probing for services reached at a root URL: the embedder and the reranker."""

from typing import Any

from waywo.clients.health import ServiceHealth, run_probe
from waywo.clients.http import bearer_headers, get_json
from waywo.urls import join_url

SECRET_WORDS = ("key", "token", "secret", "password", "auth")


def without_secrets(details: dict[str, Any]) -> dict[str, Any]:
    """Drop fields a service might echo back that could hold a credential."""
    return {
        name: value
        for name, value in details.items()
        if not any(word in name.lower() for word in SECRET_WORDS)
    }


async def check_root_health(
    service: str,
    url: str | None,
    health_path: str,
    configured_model: str | None,
    api_key: str | None,
    timeout: float,
) -> ServiceHealth:
    """Probe ``{root}{health_path}`` and report what the service says of itself."""

    async def probe(root: str) -> ServiceHealth:
        body: Any = await get_json(
            service,
            join_url(root, health_path),
            timeout=timeout,
            headers=bearer_headers(api_key),
        )
        details = without_secrets(body) if isinstance(body, dict) else None
        device = details.get("device") if details else None
        return ServiceHealth(
            status="healthy",
            configured_model=configured_model,
            device=str(device) if device is not None else None,
            details=details,
        )

    return await run_probe(url, configured_model, probe)
