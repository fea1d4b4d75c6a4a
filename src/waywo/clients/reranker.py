"""The reranker: a service that scores passages against a query."""

from typing import Any

from waywo.clients.health import ServiceHealth
from waywo.clients.http import error_of, post_json, service_client
from waywo.clients.service_root import check_root_health
from waywo.errors import ServiceUnavailableError
from waywo.settings import Settings
from waywo.urls import join_url


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


class RerankClient:
    """Scores passages against a query through one of the common rerank APIs."""

    def __init__(self, settings: Settings) -> None:
        if not settings.reranker_url:
            raise ServiceUnavailableError("No reranker is configured")
        self.api = settings.reranker_api
        self.model = settings.reranker_model
        self._root = settings.reranker_url
        self._http = service_client(
            settings.reranker_timeout, settings.reranker_api_key
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def rerank(self, query: str, passages: list[str]) -> list[float]:
        """Return one relevance score per passage, in the passages' order."""
        if not passages:
            return []
        path, body = self._request(query, passages)
        response = post_json("reranker", self._http, join_url(self._root, path), body)
        if response.is_error:
            raise error_of("reranker", response)
        try:
            scores = self._read(response.json())
            return [scores[index] for index in range(len(passages))]
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ServiceUnavailableError(
                f"reranker answer is not a {self.api} ranking"
            ) from exc

    def _request(self, query: str, passages: list[str]) -> tuple[str, dict[str, Any]]:
        if self.api == "tei":
            return "rerank", {"query": query, "texts": passages, "truncate": True}
        if self.api == "nim":
            return "v1/ranking", {
                "model": self.model,
                "query": {"text": query},
                "passages": [{"text": passage} for passage in passages],
                "truncate": "END",
            }
        return "v1/rerank", {
            "model": self.model,
            "query": query,
            "documents": passages,
            "top_n": len(passages),
        }

    def _read(self, body: Any) -> dict[int, float]:
        if self.api == "tei":
            return {int(row["index"]): float(row["score"]) for row in body}
        if self.api == "nim":
            return {int(row["index"]): float(row["logit"]) for row in body["rankings"]}
        return {
            int(row["index"]): float(row["relevance_score"]) for row in body["results"]
        }
