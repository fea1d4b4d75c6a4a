"""The local embedder and reranker: offline, pinned, and better than chance."""

import csv
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.standins.hn_server import SHARED_HN_DATA
from waywo.errors import ConfigurationError
from waywo.local.embedder import LocalEmbedder, check_weights
from waywo.local.reranker import LocalReranker

REAL_COMMENTS = SHARED_HN_DATA / "getomni-ai_datasets" / "hn_projects_dataset.csv"
OFFLINE_EMBED = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network is off in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
from waywo.local.embedder import LocalEmbedder
vectors = LocalEmbedder(threads=1).embed(["a tide chart app for sailors"]).vectors
print(vectors.shape)
"""


def unit(vectors: np.ndarray) -> np.ndarray:
    """Return the rows scaled to unit length."""
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_the_embedder_loads_with_the_network_off() -> None:
    """HF_HUB_OFFLINE=1 and every socket refused: the weights come from the wheel."""
    result = subprocess.run(
        [sys.executable, "-c", OFFLINE_EMBED],
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(1, 256)"


def test_weights_that_are_not_the_pinned_ones_are_refused(tmp_path: Path) -> None:
    """A changed file fails the sha256 check with a clear message."""
    fake = tmp_path / "weights.safetensors"
    fake.write_bytes(b"not the model")

    with pytest.raises(ConfigurationError, match="not the pinned ones"):
        check_weights(fake)


def test_similar_texts_score_higher_than_unrelated_ones() -> None:
    """Paraphrases are nearer than texts about something else."""
    embedder = LocalEmbedder(threads=1)
    texts = [
        "A Rust compiler error explainer",
        "A tool that explains rustc error messages in plain words",
        "An Arduino robot that waters a vegetable garden",
    ]

    vectors = unit(embedder.embed(texts).vectors)

    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


@pytest.mark.skipif(
    not REAL_COMMENTS.exists(),
    reason=f"real comments not found at {REAL_COMMENTS} (beside the project in CI)",
)
def test_real_comments_are_found_from_their_one_line_summaries() -> None:
    """Of 200 real comments, each summary's own comment ranks in its top 5 mostly.

    Chance would put it there 5 times in 200.
    """
    with REAL_COMMENTS.open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["one_liner"]]
    sample = random.Random(7).sample(rows, 200)
    embedder = LocalEmbedder(threads=1)

    comments = unit(embedder.embed([row["comment"] for row in sample]).vectors)
    summaries = unit(embedder.embed([row["one_liner"] for row in sample]).vectors)

    ranks = (-(summaries @ comments.T)).argsort(axis=1)
    found = np.mean([i in ranks[i, :5] for i in range(len(sample))])
    assert found >= 0.5


def test_the_local_reranker_prefers_the_matching_passage() -> None:
    """Scores are in [0, 1], one per passage, best for the one that fits."""
    reranker = LocalReranker(LocalEmbedder(threads=1))

    scores = reranker.rerank(
        "garden watering robot",
        ["Tide charts for sailors", "A robot that waters your garden"],
    )

    assert len(scores) == 2 and all(0 <= score <= 1 for score in scores)
    assert scores[1] > scores[0]
