"""The embedder: a service that turns texts into vectors."""

from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np

from waywo.clients.health import ServiceHealth
from waywo.clients.http import error_of, post_json, service_client
from waywo.clients.service_root import check_root_health
from waywo.errors import ServiceUnavailableError
from waywo.settings import Settings
from waywo.urls import join_url


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


@dataclass(frozen=True)
class Embeddings:
    """Vectors for a list of texts, in order, and the model that made them."""

    vectors: np.ndarray
    model: str

    @property
    def dimension(self) -> int:
        """Return the length of each vector."""
        return int(self.vectors.shape[1])


class EmbeddingClient:
    """An OpenAI-style ``/v1/embeddings`` client that sends texts in batches."""

    def __init__(self, settings: Settings) -> None:
        if not settings.embedder_url:
            raise ServiceUnavailableError(
                "No embedder is configured: set WAYWO_EMBEDDER_URL"
            )
        self.model = settings.embedder_model
        self._url = join_url(settings.embedder_url, "v1/embeddings")
        self._batch_size = settings.embedder_batch_size
        self._http = service_client(
            settings.embedder_timeout, settings.embedder_api_key
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def embed(self, texts: list[str]) -> Embeddings:
        """Return one float32 vector per text; raise if any batch fails."""
        batches = [
            self._embed_batch(texts[start : start + self._batch_size])
            for start in range(0, len(texts), self._batch_size)
        ]
        models = {model for _, model in batches}
        vectors = np.concatenate([batch for batch, _ in batches]) if batches else None
        if vectors is None or len(models) != 1:
            raise ServiceUnavailableError("embedder answered with mixed models")
        return Embeddings(vectors, models.pop())

    def _embed_batch(self, texts: list[str]) -> tuple[np.ndarray, str]:
        body: dict[str, Any] = {"input": texts, "encoding_format": "float"}
        if self.model:
            body["model"] = self.model
        response = post_json("embedder", self._http, self._url, body)
        if response.is_error:
            raise error_of("embedder", response)
        return _read_vectors(response, len(texts)), self._model_of(response)

    def _model_of(self, response: httpx.Response) -> str:
        model = self.model or response.json().get("model")
        if not model:
            raise ServiceUnavailableError(
                "embedder did not name its model; set WAYWO_EMBEDDER_MODEL"
            )
        return str(model)


def _read_vectors(response: httpx.Response, count: int) -> np.ndarray:
    """Return the answer's vectors in input order, checked for shape and values."""
    try:
        rows = sorted(response.json()["data"], key=lambda row: row["index"])
        vectors = np.array([row["embedding"] for row in rows], dtype=np.float32)
    except (ValueError, KeyError, TypeError) as exc:
        raise ServiceUnavailableError(
            "embedder answer is not a list of vectors"
        ) from exc
    if vectors.ndim != 2 or vectors.shape[0] != count or vectors.shape[1] == 0:
        raise ServiceUnavailableError(
            f"embedder answered {vectors.shape[0]} vectors for {count} texts"
        )
    if not np.isfinite(vectors).all():
        raise ServiceUnavailableError("embedder answered non-finite numbers")
    return vectors
