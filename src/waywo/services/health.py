"""The health of the three AI services, probed at the same time."""

import asyncio

from pydantic import BaseModel

from waywo.clients import embedder, llm, reranker
from waywo.clients.health import ServiceHealth
from waywo.clients.providers import local_health
from waywo.settings import Settings


class ServicesHealth(BaseModel):
    """One report per AI service."""

    llm: ServiceHealth
    embedder: ServiceHealth
    reranker: ServiceHealth


async def check_services(settings: Settings) -> ServicesHealth:
    """Probe the LLM, embedder and reranker concurrently; at worst one timeout long."""
    llm_health, embedder_health, reranker_health = await asyncio.gather(
        llm.check_health(settings),
        _embedder_health(settings),
        _reranker_health(settings),
    )
    return ServicesHealth(
        llm=llm_health, embedder=embedder_health, reranker=reranker_health
    )


async def _embedder_health(settings: Settings) -> ServiceHealth:
    if settings.uses_remote_embedder:
        return await embedder.check_health(settings)
    return await asyncio.to_thread(local_health, settings, "embedder")


async def _reranker_health(settings: Settings) -> ServiceHealth:
    provider = settings.reranker_provider
    if provider == "remote" or (provider == "auto" and settings.reranker_url):
        return await reranker.check_health(settings)
    if provider == "none":
        return ServiceHealth(status="not_configured", error="Reranking is off")
    return await asyncio.to_thread(local_health, settings, "reranker")
