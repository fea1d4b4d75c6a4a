"""The provider seam: each AI role is a remote service or a local model.

Callers ask for "the embedder" or "the reranker" and get an object with the same
methods either way; the settings decide which.
"""

from typing import Protocol

from waywo.clients.embedder import EmbeddingClient, Embeddings
from waywo.clients.health import ServiceHealth
from waywo.clients.reranker import RerankClient
from waywo.errors import WaywoError
from waywo.settings import LOCAL_RERANKER_MODEL, Settings

LOCAL_EMBEDDER_URL = "local://wordllama"
LOCAL_RERANKER_URL = "local://fused"


class Embedder(Protocol):
    """What extraction and search need of an embedder."""

    @property
    def model(self) -> str | None:
        """The model whose name is stored with each vector."""
        ...

    def embed(self, texts: list[str]) -> Embeddings:
        """Return one vector per text."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


class Reranker(Protocol):
    """What search needs of a reranker."""

    @property
    def api(self) -> str:
        """Which rerank API it speaks, or 'local'."""
        ...

    @property
    def model(self) -> str | None:
        """The model that scores."""
        ...

    def rerank(self, query: str, passages: list[str]) -> list[float]:
        """Return one score per passage."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def open_embedder(settings: Settings) -> Embedder:
    """Return the remote embedder when configured, else the local one."""
    if settings.uses_remote_embedder:
        return EmbeddingClient(settings)
    from waywo.local.embedder import LocalEmbedder  # the model loads on demand

    return LocalEmbedder(settings.local_threads)


def open_reranker(settings: Settings) -> Reranker | None:
    """Return the remote reranker when configured, the local one, or none."""
    provider = settings.reranker_provider
    if provider == "remote" or (provider == "auto" and settings.reranker_url):
        return RerankClient(settings)
    if provider == "none":
        return None
    from waywo.local.embedder import LocalEmbedder
    from waywo.local.reranker import LocalReranker

    return LocalReranker(LocalEmbedder(settings.local_threads))


def local_health(settings: Settings, role: str) -> ServiceHealth:
    """Report a local model honestly: its name, the CPU, whether it loads."""
    from waywo.local.embedder import LocalEmbedder, _load_wordllama

    is_embedder = role == "embedder"
    url = LOCAL_EMBEDDER_URL if is_embedder else LOCAL_RERANKER_URL
    model = settings.embedding_model if is_embedder else LOCAL_RERANKER_MODEL
    try:
        _load_wordllama()
    except WaywoError as exc:
        return ServiceHealth(status="unhealthy", url=url, configured_model=model,
                             device="cpu", error=exc.message)  # fmt: skip
    details = {"threads": settings.local_threads, "dimension": LocalEmbedder.dimension}
    return ServiceHealth(
        status="healthy", url=url, configured_model=model, device="cpu", details=details
    )
