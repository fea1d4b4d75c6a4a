"""The embedder: a service that turns texts into vectors."""

from waywo.clients.health import ServiceHealth
from waywo.clients.service_root import check_root_health
from waywo.settings import Settings


async def check_health(settings: Settings) -> ServiceHealth:
    """Probe the embedder's health endpoint."""
    key = settings.embedder_api_key
    return await check_root_health(
        "embedder",
        settings.embedder_url,
        settings.embedder_health_path,
        settings.embedder_model,
        key.get_secret_value() if key else None,
        settings.health_timeout,
    )
