"""Benchmark: retrieval quality on 642 real comments, with queries judged by hand.

The local embedder against the remote stand-in (hashed bag of words over HTTP),
each with and without the local reranker over its top 30. Run with
``./scripts/test -m benchmark -k retrieval -s``.
"""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from tests.standins.hn_server import SHARED_HN_DATA
from waywo.clients.embedder import EmbeddingClient
from waywo.clients.providers import Embedder
from waywo.local.embedder import LocalEmbedder
from waywo.local.reranker import LocalReranker
from waywo.settings import Settings

pytestmark = [
    pytest.mark.benchmark,
    pytest.mark.skipif(
        not (SHARED_HN_DATA / "getomni-ai_datasets").exists(),
        reason="real comments not found beside the project (shared/data/hn)",
    ),
]

COMMENTS = SHARED_HN_DATA / "getomni-ai_datasets" / "hn_projects_dataset.csv"
JUDGMENTS = Path(__file__).with_name("retrieval_judgments.json")
RERANKED = 30


def rank(embedder: Embedder, texts: list[str], queries: list[str]) -> np.ndarray:
    """Return, per query, the text indices from nearest to farthest."""
    texts_unit = _unit(embedder.embed(texts).vectors)
    queries_unit = _unit(embedder.embed(queries).vectors)
    return np.argsort(-(queries_unit @ texts_unit.T), axis=1)


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def scores(orders: list[list[int]], relevant: list[set[int]]) -> tuple[float, float]:
    """Return mean recall@10 and mean reciprocal rank of the first relevant hit."""
    recalls, reciprocal = [], []
    for order, wanted in zip(orders, relevant, strict=True):
        recalls.append(len(set(order[:10]) & wanted) / len(wanted))
        first = next((i for i, item in enumerate(order) if item in wanted), None)
        reciprocal.append(0.0 if first is None else 1 / (first + 1))
    return float(np.mean(recalls)), float(np.mean(reciprocal))


def test_retrieval_quality_of_the_embedders_with_and_without_rerank(
    ai_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """Recall@10 and MRR per setup; the local embedder must beat bag of words."""
    with COMMENTS.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [row["comment"] for row in rows]
    ids = [int(row["id"]) for row in rows]
    judged = json.loads(JUDGMENTS.read_text())["queries"]
    queries = [item["query"] for item in judged]
    relevant = [set(item["relevant"]) for item in judged]

    local = LocalEmbedder(threads=1)
    remote = EmbeddingClient(ai_settings)
    reranker = LocalReranker(local)
    results = {}
    for name, embedder in (("local", local), ("remote stand-in", remote)):
        orders = [[ids[i] for i in row] for row in rank(embedder, texts, queries)]
        results[name] = scores(orders, relevant)
        reranked = []
        for query, order in zip(queries, orders, strict=True):
            top = order[:RERANKED]
            by_id = dict(zip(ids, texts, strict=True))
            rescored = reranker.rerank(query, [by_id[i] for i in top])
            reranked.append(
                [top[i] for i in np.argsort(rescored)[::-1]] + order[RERANKED:]
            )
        results[f"{name} + rerank"] = scores(reranked, relevant)
    remote.close()

    with capsys.disabled():
        print(f"\nretrieval, {len(queries)} queries over {len(texts)} real comments:")  # noqa: T201
        for name, (recall, mrr) in results.items():
            print(f"  {name:26s} recall@10 {recall:.3f}  MRR {mrr:.3f}")  # noqa: T201
    assert results["local"][0] > results["remote stand-in"][0]
