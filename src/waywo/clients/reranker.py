"""The reranker: a service that scores passages against a query."""

from waywo.clients.health import ServiceHealth
from waywo.clients.service_root import check_root_health
from waywo.settings import Settings


async def check_health(settings: Settings) -> ServiceHealth:
    """Probe the reranker's health endpoint."""
    key = settings.reranker_api_key
    return await check_root_health(
        "reranker",
        settings.reranker_url,
        settings.reranker_health_path,
        settings.reranker_model,
        key.get_secret_value() if key else None,
        settings.health_timeout,
    )
