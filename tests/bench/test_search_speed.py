"""Benchmark: the search stage against an exact float scan and sqlite-vector.

Clustered synthetic data (200 centres, each vector a centre plus noise), 200
queries drawn the same way, dimension 4096, at 6k and 100k vectors. The project's
stage is ``VectorIndex.search`` (quantized candidates, then exact re-scoring from
SQLite); the baselines are a numpy float32 scan in memory and sqlite-vector's
``vector_full_scan`` through apsw. Run with ``./scripts/test -m benchmark -k
search_stage -s``; the 100k run takes several minutes.
"""

import importlib.resources
import os
import time
from collections.abc import Callable
from pathlib import Path

import apsw
import numpy as np
import psutil
import pytest
from sqlalchemy import Engine, text

from tests.support.seed import make_comment, make_post
from waywo.search.vector_index import VectorIndex
from waywo.settings import Settings
from waywo.storage.database import session_scope

pytestmark = pytest.mark.benchmark

DIMENSION = 4096
QUERIES = 200
CENTRES = 200
MODEL = "synthetic"
TARGETS = {6_000: 15.0, 100_000: 100.0}


def clustered(rng: np.random.Generator, centres: np.ndarray, count: int) -> np.ndarray:
    """Return vectors near randomly chosen centres."""
    chosen = centres[rng.integers(0, len(centres), size=count)]
    return (chosen + 0.5 * rng.standard_normal(chosen.shape, np.float32)).astype(
        np.float32
    )


def store(engine: Engine, vectors: np.ndarray) -> None:
    """Write one project per vector, in batches, through plain SQL."""
    with session_scope(engine) as session:
        session.add(make_post(1, month=1))
        session.flush()
        session.add(make_comment(1, post_id=1))
    insert = text(
        "INSERT INTO projects (id, comment_id, is_valid, hashtags, urls, "
        "is_bookmarked, embedding, embedding_model, embedding_dim, created_at, "
        "updated_at) VALUES (:id, 1, 1, '[]', '[]', 0, :blob, :model, :dim, "
        "'2024-01-01', '2024-01-01')"
    )
    for start in range(0, len(vectors), 5_000):
        rows = [
            {"id": start + i + 1, "blob": vector.tobytes(), "model": MODEL,
             "dim": DIMENSION}
            for i, vector in enumerate(vectors[start : start + 5_000])
        ]  # fmt: skip
        with engine.begin() as connection:
            connection.execute(insert, rows)


def sqlite_vector_scan(
    path: Path, vectors: np.ndarray
) -> Callable[[np.ndarray], list[int]]:
    """Return a search by sqlite-vector's full scan over a copy of the vectors."""
    connection = apsw.Connection(str(path))
    connection.enable_load_extension(True)
    connection.load_extension(
        str(importlib.resources.files("sqlite_vector.binaries") / "vector")
    )
    connection.execute("CREATE TABLE vectors (id INTEGER PRIMARY KEY, embedding BLOB)")
    with connection:
        connection.executemany(
            "INSERT INTO vectors VALUES (?, ?)",
            ((i + 1, vector.tobytes()) for i, vector in enumerate(vectors)),
        )
    connection.execute(
        "SELECT vector_init('vectors', 'embedding', "
        f"'type=FLOAT32,dimension={DIMENSION},distance=COSINE')"
    )
    scan = (
        "SELECT rowid FROM vector_full_scan('vectors', 'embedding', ?, 10) "
        "ORDER BY distance"
    )
    return lambda query: [
        row[0] for row in connection.execute(scan, (query.tobytes(),))
    ]


def timed(
    search: Callable[[np.ndarray], list[int]], queries: np.ndarray
) -> tuple[list[float], list[list[int]]]:
    """Return each query's milliseconds and its ids."""
    milliseconds, found = [], []
    for query in queries:
        started = time.perf_counter()
        found.append(search(query))
        milliseconds.append((time.perf_counter() - started) * 1000)
    return milliseconds, found


def recall_at_10(found: list[list[int]], exact: list[list[int]]) -> float:
    """Return the share of the exact top 10 that each search found."""
    return float(
        np.mean(
            [len(set(f[:10]) & set(e)) / 10 for f, e in zip(found, exact, strict=True)]
        )
    )


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("count", [6_000, 100_000])
def test_search_stage_against_full_scans(
    settings: Settings,
    engine: Engine,
    tmp_path: Path,
    count: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Latency, recall@10, build time and memory; targets from the search issue."""
    rng = np.random.default_rng(count)
    centres = rng.standard_normal((CENTRES, DIMENSION), np.float32)
    vectors = clustered(rng, centres, count)
    queries = clustered(rng, centres, QUERIES)
    store(engine, vectors)
    process = psutil.Process(os.getpid())

    index = VectorIndex(settings.index_dir, engine, MODEL)
    rss_before = process.memory_info().rss
    build = index.rebuild()
    index.search(queries[0], limit=10)  # loads the file once
    rss_growth_mb = (process.memory_info().rss - rss_before) / 2**20

    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def exact_scan(query: np.ndarray) -> list[int]:
        scores = unit @ query
        best = np.argpartition(-scores, 10)[:10]
        return [int(i) + 1 for i in best[np.argsort(-scores[best])]]

    ours_ms, ours = timed(
        lambda q: [h.project_id for h in index.search(q, 10)], queries
    )
    exact_ms, exact = timed(exact_scan, queries)
    full_scan = sqlite_vector_scan(tmp_path / "sqlite-vector.db", vectors)
    vector_ms, vector_found = timed(full_scan, queries)

    timings = {"ours": ours_ms, "exact": exact_ms, "sqlite-vector": vector_ms}
    p50 = {name: float(np.percentile(ms, 50)) for name, ms in timings.items()}
    p99 = {name: float(np.percentile(ms, 99)) for name, ms in timings.items()}
    recall = recall_at_10(ours, exact)
    speedup = p50["sqlite-vector"] / p50["ours"]
    with capsys.disabled():
        print(  # noqa: T201
            f"\nsearch stage, {count} x {DIMENSION}, {QUERIES} queries: "
            f"ours p50 {p50['ours']:.2f} ms p99 {p99['ours']:.2f} ms, recall@10 "
            f"{recall:.4f}, build {build.seconds:.1f} s, +{rss_growth_mb:.0f} MB, "
            f"index file {index.path.stat().st_size / 2**20:.0f} MB | exact float "
            f"scan p50 {p50['exact']:.2f} ms p99 {p99['exact']:.2f} ms "
            f"({p50['exact'] / p50['ours']:.1f}x) | sqlite-vector full scan p50 "
            f"{p50['sqlite-vector']:.2f} ms p99 {p99['sqlite-vector']:.2f} ms "
            f"(recall {recall_at_10(vector_found, exact):.4f}) -> {speedup:.0f}x"
        )
    assert recall >= 0.99
    assert speedup >= TARGETS[count]
    if count == 100_000:
        assert build.seconds <= 60
