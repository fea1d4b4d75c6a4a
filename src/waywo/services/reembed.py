"""Give every valid project a vector of the configured embedding model.

Vectors of another model (or none) are recomputed in batches, each batch written
in its own transaction, so an interrupted run keeps what it finished; the index
is rebuilt by the caller afterwards.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, or_, select, update

from waywo.clients.providers import Embedder
from waywo.storage.database import session_scope
from waywo.storage.embeddings import to_blob
from waywo.storage.models import Project
from waywo.text import embedding_text


@dataclass
class ReembedProgress:
    """Projects re-embedded of those that needed it."""

    total: int
    done: int = 0


def _stale(model: str | None):  # type: ignore[no-untyped-def]
    """Return the condition of valid projects lacking a vector of the model."""
    return Project.is_valid.is_(True) & or_(
        Project.embedding.is_(None), Project.embedding_model.is_distinct_from(model)
    )


def reembed(
    engine: Engine,
    embedder: Embedder,
    batch_size: int,
    on_progress: Callable[[ReembedProgress], None] = lambda progress: None,
) -> ReembedProgress:
    """Recompute every vector not made by the embedder's model."""
    model = embedder.model
    with session_scope(engine) as session:
        total = session.scalar(select(func.count()).where(_stale(model))) or 0
    progress = ReembedProgress(total)
    on_progress(progress)

    last_id = 0
    while progress.done < total:
        with session_scope(engine) as session:
            rows = session.execute(
                select(Project.id, Project.title, Project.description, Project.hashtags)
                .where(_stale(model), Project.id > last_id)
                .order_by(Project.id)
                .limit(batch_size)
            ).all()
        if not rows:
            break
        last_id = rows[-1].id
        embeddings = embedder.embed(
            [embedding_text(row.title, row.description, row.hashtags) for row in rows]
        )
        with session_scope(engine) as session:
            for row, vector in zip(rows, embeddings.vectors, strict=True):
                session.execute(
                    update(Project)
                    .where(Project.id == row.id)
                    .values(
                        embedding=to_blob(vector),
                        embedding_model=embeddings.model,
                        embedding_dim=embeddings.dimension,
                    )
                )
        progress.done += len(rows)
        on_progress(progress)
    return progress
