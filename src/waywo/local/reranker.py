"""The local reranker: no cross-encoder ships in a PyPI package, so it fuses scores.

Each passage gets the mean of two honest signals: the cosine of local embeddings
of query and passage, and the share of the query's words the passage contains.
It is named for what it is in the health report and in search responses.
"""

import re

import numpy as np

from waywo.local.embedder import LocalEmbedder
from waywo.settings import LOCAL_RERANKER_MODEL

WORD = re.compile(r"\w+")


class LocalReranker:
    """Scores passages by fused keyword overlap and local vector similarity."""

    api = "local"
    model = LOCAL_RERANKER_MODEL

    def __init__(self, embedder: LocalEmbedder) -> None:
        self.embedder = embedder

    def close(self) -> None:
        """Release nothing."""

    def rerank(self, query: str, passages: list[str]) -> list[float]:
        """Return one score per passage, in order: 0 to 1, higher is better."""
        if not passages:
            return []
        vectors = self.embedder.embed([query, *passages]).vectors
        unit = vectors / np.maximum(
            np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9
        )
        cosines = (unit[1:] @ unit[0] + 1) / 2
        wanted = set(WORD.findall(query.lower()))
        overlaps = [
            len(wanted & set(WORD.findall(passage.lower()))) / max(len(wanted), 1)
            for passage in passages
        ]
        return [float((c + o) / 2) for c, o in zip(cosines, overlaps, strict=True)]
