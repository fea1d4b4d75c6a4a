"""The vector index: exact top-k, freshness, deletions, models and rebuilds."""

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import faiss
import numpy as np
import pytest
from sqlalchemy import Engine, delete

from tests.support.seed import EMBEDDING_MODEL, make_comment, make_post, make_project
from waywo.errors import VectorIndexError
from waywo.search.vector_index import INDEX_FILE, SearchHit, VectorIndex
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Project

DIMENSION = 16
COMMENT_ID = 10
OTHER_MODEL = "other-embedder"

SIZE_REPORTER = """
import sys
from pathlib import Path
from waywo.search.vector_index import VectorIndex
from waywo.storage.database import get_engine
index = VectorIndex(Path(sys.argv[1]), get_engine(Path(sys.argv[2])), sys.argv[3])
for _request in sys.stdin:
    print(index.load().size, flush=True)
"""


@pytest.fixture
def index(settings: Settings, engine: Engine) -> VectorIndex:
    """Return the index of the test's data dir, over a database with one comment."""
    with session_scope(engine) as session:
        session.add(make_post(1, month=1))
        session.flush()
        session.add(make_comment(COMMENT_ID, post_id=1))
    return VectorIndex(settings.index_dir, engine, EMBEDDING_MODEL)


@pytest.fixture
def random() -> np.random.Generator:
    """Return a seeded generator, so a failure can be replayed."""
    return np.random.default_rng(2024)


def add_projects(
    engine: Engine, vectors: np.ndarray, model: str = EMBEDDING_MODEL
) -> list[int]:
    """Store one project per vector, embedded by the model; return their ids."""
    projects = [make_project(COMMENT_ID, "Project", vector) for vector in vectors]
    with session_scope(engine) as session:
        for project in projects:
            project.embedding_model = model
            session.add(project)
    return [project.id for project in projects]


def rank_by_brute_force(
    ids: list[int], vectors: np.ndarray, query: np.ndarray, limit: int
) -> list[tuple[int, float]]:
    """Return the (id, cosine) pairs nearest to the query, computed in float64."""
    vectors = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(query)
    cosines = vectors @ query / norms
    order = np.argsort(-cosines)[:limit]
    return [(ids[i], float(cosines[i])) for i in order]


def ids_of(hits: list[SearchHit]) -> list[int]:
    """Return the project ids of the hits, in order."""
    return [hit.project_id for hit in hits]


@pytest.mark.parametrize("limit", [1, 10, 40])
def test_search_returns_the_brute_force_top_k(
    index: VectorIndex, engine: Engine, random: np.random.Generator, limit: int
) -> None:
    """A search after a rebuild returns the exact cosine top-k, by true cosine."""
    vectors = random.normal(size=(300, DIMENSION)).astype(np.float32)
    ids = add_projects(engine, vectors)
    queries = random.normal(size=(8, DIMENSION))
    index.rebuild()

    results = [index.search(query, limit) for query in queries]

    for query, hits in zip(queries, results, strict=True):
        expected = rank_by_brute_force(ids, vectors, query, limit)
        assert ids_of(hits) == [project_id for project_id, _ in expected]
        assert [hit.similarity for hit in hits] == pytest.approx(
            [similarity for _, similarity in expected], abs=1e-5
        )


def test_rebuild_of_an_empty_database_indexes_nothing(
    settings: Settings, engine: Engine
) -> None:
    """A rebuild with no stored embeddings writes an empty index; searches find []."""
    index = VectorIndex(settings.index_dir, engine, EMBEDDING_MODEL)

    summary = index.rebuild()
    hits = index.search(np.ones(DIMENSION))

    assert summary.vectors == 0
    assert index.load().size == 0
    assert hits == []


def test_search_finds_a_project_embedded_after_the_rebuild(
    index: VectorIndex, engine: Engine, random: np.random.Generator
) -> None:
    """A project stored after the last rebuild is found by the exact fresh scan."""
    add_projects(engine, random.normal(size=(100, DIMENSION)))
    index.rebuild()
    query = random.normal(size=DIMENSION)
    [fresh_id] = add_projects(engine, query[None, :])

    hits = index.search(query, limit=3)

    assert fresh_id not in index.load().ids
    assert hits[0].project_id == fresh_id
    assert hits[0].similarity == pytest.approx(1.0, abs=1e-5)


def test_search_finds_a_project_stored_after_the_newest_one_was_deleted(
    index: VectorIndex, engine: Engine, random: np.random.Generator
) -> None:
    """Deleting the last-numbered row never lets a new row reuse its number."""
    *_, newest_id = add_projects(engine, random.normal(size=(20, DIMENSION)))
    index.rebuild()
    with session_scope(engine) as session:
        session.execute(delete(Project).where(Project.id == newest_id))
    query = random.normal(size=DIMENSION)
    [fresh_id] = add_projects(engine, query[None, :])

    hits = index.search(query, limit=3)

    assert hits[0].project_id == fresh_id
    assert hits[0].similarity == pytest.approx(1.0, abs=1e-5)


def test_search_finds_a_project_committed_while_the_index_was_rebuilt(
    index: VectorIndex, engine: Engine, random: np.random.Generator
) -> None:
    """A project flushed before a rebuild but committed after it is still found."""
    add_projects(engine, random.normal(size=(100, DIMENSION)))
    query = random.normal(size=DIMENSION)
    late_project = make_project(COMMENT_ID, "Late", query)
    with session_scope(engine) as session:
        session.add(late_project)
        session.flush()
        index.rebuild()

    hits = index.search(query, limit=3)

    assert ids_of(hits)[0] == late_project.id


def test_a_deleted_project_never_appears(
    index: VectorIndex, engine: Engine, random: np.random.Generator
) -> None:
    """A project deleted from SQLite is not returned though the index still has it."""
    vectors = random.normal(size=(50, DIMENSION))
    ids = add_projects(engine, vectors)
    index.rebuild()
    with session_scope(engine) as session:
        session.execute(delete(Project).where(Project.id == ids[0]))

    hits = index.search(vectors[0], limit=50)

    assert ids[0] in index.load().ids
    assert ids[0] not in ids_of(hits)
    assert len(hits) == 49


def test_only_vectors_of_the_index_model_are_searched(
    index: VectorIndex, engine: Engine, random: np.random.Generator
) -> None:
    """Rows of another embedding model, indexed or fresh, are never returned."""
    query = random.normal(size=DIMENSION)
    own_ids = add_projects(engine, random.normal(size=(20, DIMENSION)))
    [indexed_other] = add_projects(engine, query[None, :], OTHER_MODEL)
    summary = index.rebuild()
    [fresh_other] = add_projects(engine, query[None, :], OTHER_MODEL)

    hits = index.search(query, limit=100)

    assert summary.vectors == 20
    assert sorted(ids_of(hits)) == own_ids
    assert {indexed_other, fresh_other}.isdisjoint(ids_of(hits))


def search_until(
    index: VectorIndex, query: np.ndarray, done: threading.Event
) -> list[list[SearchHit]]:
    """Search at least 50 times, and on until done is set; return every result."""
    results = []
    while len(results) < 50 or not done.is_set():
        results.append(index.search(query, limit=10))
    return results


def test_searches_survive_concurrent_rebuilds(
    index: VectorIndex, engine: Engine, random: np.random.Generator
) -> None:
    """Threads searching while the index is rebuilt and rows added never fail."""
    add_projects(engine, random.normal(size=(200, DIMENSION)))
    index.rebuild()
    done = threading.Event()

    with ThreadPoolExecutor(max_workers=4) as pool:
        searches = [
            pool.submit(search_until, index, query, done)
            for query in random.normal(size=(4, DIMENSION))
        ]
        try:
            for _ in range(10):
                add_projects(engine, random.normal(size=(5, DIMENSION)))
                index.rebuild()
        finally:
            done.set()

    results = [hits for search in searches for hits in search.result()]
    assert len(results) >= 200
    for hits in results:
        similarities = [hit.similarity for hit in hits]
        assert len(hits) == 10
        assert similarities == sorted(similarities, reverse=True)


@pytest.fixture
def size_reporter(
    settings: Settings, engine: Engine
) -> Iterator[subprocess.Popen[str]]:
    """Run another process that prints the size of the index it loads on each line."""
    arguments = [str(settings.index_dir), str(settings.database_path), EMBEDDING_MODEL]
    with subprocess.Popen(
        [sys.executable, "-c", SIZE_REPORTER, *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        yield process
        process.stdin.close()
        process.wait(timeout=30)


def ask_size(process: subprocess.Popen[str]) -> int:
    """Ask the size reporter for the size of the index it sees now."""
    process.stdin.write("size\n")
    process.stdin.flush()
    return int(process.stdout.readline())


def test_another_process_sees_each_rebuilt_index(
    index: VectorIndex,
    engine: Engine,
    random: np.random.Generator,
    size_reporter: subprocess.Popen[str],
) -> None:
    """A running process loads the new file on its next load after a rebuild."""
    add_projects(engine, random.normal(size=(30, DIMENSION)))
    index.rebuild()
    size_before = ask_size(size_reporter)
    add_projects(engine, random.normal(size=(12, DIMENSION)))

    index.rebuild()
    size_after = ask_size(size_reporter)

    assert size_before == 30
    assert size_after == 42


def test_load_reuses_the_snapshot_until_the_file_changes(
    index: VectorIndex, engine: Engine, random: np.random.Generator
) -> None:
    """Loading an unchanged file returns the cached snapshot; a rebuild replaces it."""
    add_projects(engine, random.normal(size=(30, DIMENSION)))
    index.rebuild()
    first = index.load()

    unchanged = index.load()
    add_projects(engine, random.normal(size=(5, DIMENSION)))
    index.rebuild()
    rebuilt = index.load()

    assert unchanged is first
    assert rebuilt is not None and first is not None
    assert (first.size, rebuilt.size) == (30, 35)
    assert rebuilt.indexed_through_seq > first.indexed_through_seq


def make_index_dir_a_file(settings: Settings) -> None:
    """Put a regular file where the index folder belongs."""
    settings.index_dir.write_text("not a folder")


def make_index_file_a_folder(settings: Settings) -> None:
    """Put a folder where the index file belongs."""
    (settings.index_dir / INDEX_FILE).mkdir(parents=True)


@pytest.mark.parametrize(
    "block_index", [make_index_dir_a_file, make_index_file_a_folder]
)
def test_a_rebuild_that_cannot_write_raises_index_build_error(
    index: VectorIndex,
    engine: Engine,
    settings: Settings,
    block_index: Callable[[Settings], None],
) -> None:
    """A failed write names the index path and leaves no temporary file behind."""
    add_projects(engine, np.ones((3, DIMENSION)))
    block_index(settings)

    with pytest.raises(VectorIndexError) as raised:
        index.rebuild()

    assert str(settings.index_dir / INDEX_FILE) in raised.value.message
    assert list(settings.data_dir.rglob(".vectors-*")) == []


@pytest.mark.parametrize(("count", "is_inverted"), [(50, False), (800, True)])
def test_the_index_keeps_one_byte_per_dimension(
    index: VectorIndex,
    engine: Engine,
    random: np.random.Generator,
    count: int,
    is_inverted: bool,
) -> None:
    """Vectors are stored as 8-bit codes; inverted lists once there are enough."""
    add_projects(engine, random.normal(size=(count, DIMENSION)))

    index.rebuild()

    snapshot = index.load()
    assert snapshot is not None and snapshot.size == count
    stored = faiss.downcast_index(snapshot.index)
    if isinstance(stored, faiss.IndexIDMap2):
        stored = faiss.downcast_index(stored.index)
    assert isinstance(stored, faiss.IndexIVF) is is_inverted
    assert stored.code_size == DIMENSION
