"""Changing the embedding model: no mixed vectors, and a re-embed that catches up."""

from functools import partial

from sqlalchemy import Engine, select

from tests.standins.openai_server import hashed_embedding
from tests.support.seed import seed_showcase
from waywo.local.embedder import LocalEmbedder
from waywo.search.vector_index import VectorIndex
from waywo.services.reembed import reembed
from waywo.services.search import Mode, Searcher, SearchRequest
from waywo.settings import LOCAL_EMBEDDER_MODEL, Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Project


def models_in_use(engine: Engine) -> set[tuple[str | None, int | None]]:
    """Return the (model, dimension) pairs of the stored vectors."""
    with session_scope(engine) as session:
        return set(
            session.execute(
                select(Project.embedding_model, Project.embedding_dim).where(
                    Project.embedding.is_not(None)
                )
            ).all()
        )


def test_a_new_model_searches_only_its_own_vectors_until_reembedded(
    settings: Settings, engine: Engine
) -> None:
    """Old 64-d vectors are never compared with the local model's 256-d queries."""
    seed_showcase(engine, partial(hashed_embedding, dimension=64), "old-remote-model")
    searcher = Searcher.open(settings, engine)  # no URL: the local embedder
    before = searcher.search(SearchRequest("garden robot", Mode.SEMANTIC))

    done = reembed(engine, LocalEmbedder(threads=1), batch_size=2)
    summary = VectorIndex(settings.index_dir, engine, LOCAL_EMBEDDER_MODEL).rebuild()
    after = searcher.search(SearchRequest("garden robot", Mode.SEMANTIC, rerank=False))
    searcher.close()

    assert before.hits == [] and before.total == 0
    assert done.total == done.done == 5
    assert models_in_use(engine) == {(LOCAL_EMBEDDER_MODEL, 256)}
    assert (summary.vectors, summary.dimension) == (5, 256)
    assert len(after.hits) == 5
    assert reembed(engine, LocalEmbedder(threads=1), batch_size=2).total == 0
