"""The local reranker: no cross-encoder ships in a PyPI package, so it fuses scores.

Each passage gets a weighted mean of two honest signals: the cosine of local
embeddings of query and passage, and the share of the query's words the passage
contains. It is named for what it is in the health report and in search
responses.

Known limit: it is no cross-encoder. On long raw comments it lowered the local
embedder's recall@10 from 0.85 to 0.76; set WAYWO_RERANKER_PROVIDER=none to skip
it, or point WAYWO_RERANKER_URL at a real reranker.
"""

import re

import numpy as np

from waywo.local.embedder import LocalEmbedder
from waywo.settings import LOCAL_RERANKER_MODEL

WORD = re.compile(r"\w+")
# Measured on 642 real comments (tests/bench/test_retrieval_quality.py): more
# weight on keywords lowered recall@10 of the local embedder's own order.
VECTOR_WEIGHT = 0.8


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
        return [
            float(VECTOR_WEIGHT * cosine + (1 - VECTOR_WEIGHT) * overlap)
            for cosine, overlap in zip(cosines, overlaps, strict=True)
        ]
