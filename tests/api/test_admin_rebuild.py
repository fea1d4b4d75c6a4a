"""POST /api/admin/rebuild-vector-index and what the index then finds."""

import httpx
import numpy as np
import pytest
from sqlalchemy import Engine

from tests.support.loopback import closed_port
from tests.support.seed import (
    EMBEDDING_DIM,
    EMBEDDING_MODEL,
    make_project,
    seed_catalogue,
)
from waywo.search.vector_index import VectorIndex
from waywo.settings import Settings
from waywo.storage.database import session_scope


def test_rebuild_on_an_empty_database_succeeds(api_url: str) -> None:
    """Nothing to index is not an error."""
    response = httpx.post(f"{api_url}/api/admin/rebuild-vector-index")

    assert response.status_code == 200
    assert response.json()["status"] == "success"
    assert response.json()["message"] == "Vector index rebuilt successfully"
    assert response.json()["vectors"] == 0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Index the seeded vectors' model, as a remote embedder of that name would."""
    return settings.model_copy(
        update={
            "embedder_url": f"http://127.0.0.1:{closed_port()}",
            "embedder_model": EMBEDDING_MODEL,
        }
    )


def test_rebuild_makes_new_embeddings_findable(
    api_url: str, settings: Settings, engine: Engine
) -> None:
    """Embeddings added before a rebuild are in the index and found first."""
    seed_catalogue(engine)
    target = np.ones(EMBEDDING_DIM, dtype=np.float32)
    with session_scope(engine) as session:
        project = make_project(1004, "The one we look for", target)
        session.add(project)
    index = VectorIndex(settings.index_dir, engine, "test-embedder")

    response = httpx.post(f"{api_url}/api/admin/rebuild-vector-index")
    hits = index.search(target + 0.01, limit=3)

    assert response.status_code == 200
    assert response.json()["vectors"] == 5
    assert response.json()["dimension"] == EMBEDDING_DIM
    assert index.load() is not None
    assert index.load().size == 5  # type: ignore[union-attr]
    assert hits[0].project_id == project.id
    assert hits[0].similarity > 0.999


def test_rebuild_that_cannot_write_answers_500(
    api_url: str, settings: Settings, engine: Engine
) -> None:
    """An index path that cannot be written gives 500 and a message naming it."""
    seed_catalogue(engine)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.index_dir.write_text("not a folder")

    response = httpx.post(f"{api_url}/api/admin/rebuild-vector-index")

    assert response.status_code == 500
    assert str(settings.index_dir) in response.json()["detail"]
    assert "Cannot write the vector index" in response.json()["detail"]
