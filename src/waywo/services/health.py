"""The health of the three AI services, probed at the same time."""

import asyncio

from pydantic import BaseModel

from waywo.clients import embedder, llm, reranker
from waywo.clients.health import ServiceHealth
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
        embedder.check_health(settings),
        reranker.check_health(settings),
    )
    return ServicesHealth(
        llm=llm_health, embedder=embedder_health, reranker=reranker_health
    )
