"""Search projects by meaning, by keywords, or both, then rerank the best.

Semantic search keeps the ``search_pool`` nearest projects that pass the filters;
keyword search keeps every FTS5 match; hybrid fuses both lists by reciprocal rank.
The reranker re-orders the top ``rerank_top``. When the embedder fails, search
falls back to keywords; when the reranker fails, the fused order stands. Either
way the result says so in ``notes``.
"""

import logging
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Self

import numpy as np
from sqlalchemy import Engine, select

from waywo.clients.providers import Embedder, Reranker, open_embedder, open_reranker
from waywo.errors import NotFoundError, ServiceUnavailableError, VectorIndexError
from waywo.search.filters import ProjectFilters, Sort
from waywo.search.keyword import rank_by_keywords
from waywo.search.vector_index import VectorIndex
from waywo.services.projects import sort_keys
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.embeddings import from_blob
from waywo.storage.models import Project

logger = logging.getLogger(__name__)

RRF_K = 60


class Mode(StrEnum):
    """Which lists a search uses."""

    HYBRID = "hybrid"
    SEMANTIC = "semantic"
    KEYWORD = "keyword"


@dataclass(frozen=True)
class SearchRequest:
    """One search, as the API and the CLI take it."""

    query: str
    mode: Mode = Mode.HYBRID
    filters: ProjectFilters = field(default_factory=ProjectFilters)
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20
    rerank: bool = True


@dataclass(frozen=True)
class ScoredProject:
    """A project id with the scores that placed it."""

    project_id: int
    similarity: float | None = None
    keyword_score: float | None = None
    rerank_score: float | None = None


@dataclass(frozen=True)
class SearchResult:
    """One page of hits, the total over all pages, and how they were found."""

    hits: list[ScoredProject]
    total: int
    mode_used: Mode
    reranker: str | None
    notes: list[str]


class Searcher:
    """Runs searches with one embedder, one reranker and the vector index."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        embedder: Embedder | None,
        reranker: Reranker | None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.embedder = embedder
        self.reranker = reranker
        self.index = VectorIndex(settings.index_dir, engine, settings.embedding_model)

    @classmethod
    def open(cls, settings: Settings, engine: Engine) -> Self:
        """Make the clients of whichever services are configured."""
        return cls(settings, engine, open_embedder(settings), open_reranker(settings))

    def close(self) -> None:
        """Close the clients' connections."""
        for client in (self.embedder, self.reranker):
            if client is not None:
                client.close()

    def search(self, request: SearchRequest) -> SearchResult:
        """Return one page of projects for the query, best first."""
        notes: list[str] = []
        vector = None
        if request.mode != Mode.KEYWORD:
            vector = self._embed_query(request.query, notes)
        semantic = []
        if vector is not None:
            try:
                semantic = self._nearest(vector, request.filters)
            except VectorIndexError as exc:  # e.g. a query of another model's size
                logger.warning("Semantic search failed: %s", exc.message)
                notes.append(f"Semantic search failed ({exc.message}): keywords only.")
                vector = None
        mode = request.mode if vector is not None else Mode.KEYWORD
        keyword = []
        if mode != Mode.SEMANTIC:
            keyword = rank_by_keywords(self.engine, request.query, request.filters)
        ranked = _fuse(mode, semantic, keyword)

        reranker = None
        if request.rerank and request.sort == Sort.RELEVANCE:
            ranked, reranker = self._rerank(request.query, ranked, notes)
        if request.sort != Sort.RELEVANCE:
            ranked = self._sorted(ranked, request.sort)

        page = ranked[request.offset : request.offset + request.limit]
        if vector is not None:
            page = self._with_similarities(page, vector)
        return SearchResult(page, len(ranked), mode, reranker, notes)

    def similar(self, project_id: int, limit: int) -> list[ScoredProject]:
        """Return the valid projects nearest to one project, itself left out."""
        with session_scope(self.engine) as session:
            project = session.get(Project, project_id)
            if project is None:
                raise NotFoundError(f"No project {project_id} is stored")
            blob = project.embedding
        if blob is None:
            return []
        nearest = self._nearest(
            from_blob(blob), ProjectFilters(is_valid=True), wanted=limit + 1
        )
        return [
            ScoredProject(hit_id, similarity=similarity)
            for hit_id, similarity in nearest
            if hit_id != project_id
        ][:limit]

    def _embed_query(self, query: str, notes: list[str]) -> np.ndarray | None:
        if self.embedder is None:
            notes.append("No embedder is configured: keyword search only.")
            return None
        try:
            return self.embedder.embed([query]).vectors[0]
        except ServiceUnavailableError as exc:
            logger.warning("Query embedding failed: %s", exc.message)
            notes.append(f"The embedder failed ({exc.message}): keyword search only.")
            return None

    def _nearest(
        self, vector: np.ndarray, filters: ProjectFilters, wanted: int | None = None
    ) -> list[tuple[int, float]]:
        """Return the nearest projects that pass the filters, growing the pool.

        When the nearest lists of the index run dry before enough pass, every
        list is scanned, so a narrow filter still finds all its matches.
        """
        wanted = wanted or self.settings.search_pool
        asked, probe_all = wanted, False
        while True:
            hits = self.index.search(vector, limit=asked, probe_all=probe_all)
            kept = self._passing(filters, [hit.project_id for hit in hits])
            nearest = [
                (h.project_id, h.similarity) for h in hits if h.project_id in kept
            ]
            if len(nearest) >= wanted:
                return nearest[:wanted]
            if len(hits) < asked:
                if probe_all or filters == ProjectFilters():
                    return nearest
                probe_all = True
                continue
            asked *= 4

    def _passing(self, filters: ProjectFilters, ids: list[int]) -> set[int]:
        if filters == ProjectFilters():
            return set(ids)
        query = filters.apply(select(Project.id)).where(Project.id.in_(ids))
        with session_scope(self.engine) as session:
            return set(session.scalars(query))

    def _rerank(
        self, query: str, ranked: list[ScoredProject], notes: list[str]
    ) -> tuple[list[ScoredProject], str | None]:
        """Re-order the top hits by the reranker's scores; on failure keep them."""
        if self.reranker is None or not ranked:
            return ranked, None
        top = ranked[: self.settings.rerank_top]
        try:
            scores = self.reranker.rerank(query, _passages(self.engine, top))
        except ServiceUnavailableError as exc:
            logger.warning("Reranking failed: %s", exc.message)
            notes.append(f"The reranker failed ({exc.message}): order kept.")
            return ranked, None
        rescored = [
            replace(hit, rerank_score=score)
            for hit, score in zip(top, scores, strict=True)
        ]
        rescored.sort(key=lambda hit: -(hit.rerank_score or 0.0))
        return rescored + ranked[
            len(top) :
        ], f"{self.reranker.api}:{self.reranker.model}"

    def _sorted(self, ranked: list[ScoredProject], sort: Sort) -> list[ScoredProject]:
        keys = sort_keys(self.engine, [hit.project_id for hit in ranked], sort)
        # A project deleted meanwhile has no key; it goes last.
        return sorted(ranked, key=lambda hit: keys.get(hit.project_id, len(keys)))

    def _with_similarities(
        self, page: list[ScoredProject], vector: np.ndarray
    ) -> list[ScoredProject]:
        """Give keyword-only hits their cosine too, from the stored vectors."""
        missing = [hit.project_id for hit in page if hit.similarity is None]
        if not missing:
            return page
        try:
            cosines = self.index.similarities(vector, missing)
        except VectorIndexError:
            return page
        return [
            replace(hit, similarity=cosines.get(hit.project_id))
            if hit.similarity is None
            else hit
            for hit in page
        ]


def _fuse(
    mode: Mode,
    semantic: list[tuple[int, float]],
    keyword: list[tuple[int, float]],
) -> list[ScoredProject]:
    """Return one ranked list: either list alone, or both by reciprocal rank fusion."""
    similarity = dict(semantic)
    keyword_score = dict(keyword)
    if mode == Mode.SEMANTIC:
        order = [project_id for project_id, _ in semantic]
    elif mode == Mode.KEYWORD:
        order = [project_id for project_id, _ in keyword]
    else:
        fused: dict[int, float] = {}
        for ranking in (semantic, keyword):
            for rank, (project_id, _) in enumerate(ranking, start=1):
                fused[project_id] = fused.get(project_id, 0.0) + 1.0 / (RRF_K + rank)
        order = sorted(fused, key=lambda project_id: -fused[project_id])
    return [
        ScoredProject(
            project_id,
            similarity=similarity.get(project_id),
            keyword_score=keyword_score.get(project_id),
        )
        for project_id in order
    ]


def _passages(engine: Engine, hits: list[ScoredProject]) -> list[str]:
    """Return what the reranker reads of each hit: title, descriptions, hashtags."""
    ids = [hit.project_id for hit in hits]
    with session_scope(engine) as session:
        projects = {
            project.id: project
            for project in session.scalars(select(Project).where(Project.id.in_(ids)))
        }
    # A project deleted since it was ranked reads as nothing, and ranks last.
    return [
        _passage(projects[project_id]) if project_id in projects else ""
        for project_id in ids
    ]


def _passage(project: Project) -> str:
    tags = " ".join(f"#{tag}" for tag in project.hashtags)
    parts = (project.title, project.short_description, project.description, tags)
    return ". ".join(part for part in parts if part)
