"""Searching the showcase catalogue: semantic, keyword, hybrid, filters, reranking."""

from collections.abc import Iterator
from functools import partial

import numpy as np
import pytest
from sqlalchemy import Engine, select

from tests.standins.openai_server import hashed_embedding
from tests.standins.rerank_server import RerankScript, create_rerank_standin
from tests.support.loopback import closed_port, serve_in_thread
from tests.support.seed import make_comment, make_post, seed_showcase
from waywo.search.filters import ProjectFilters, Sort
from waywo.search.vector_index import VectorIndex
from waywo.services.projects import delete_project
from waywo.services.search import Mode, Searcher, SearchRequest
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.embeddings import from_blob
from waywo.storage.models import Comment, Project

MODEL = "standin-embedder"
embed = partial(hashed_embedding, dimension=64)


@pytest.fixture
def showcase(ai_settings: Settings, engine: Engine) -> dict[str, int]:
    """Seed the showcase with the stand-in embedder's vectors; return ids by title."""
    return seed_showcase(engine, embed, MODEL)


def open_searcher(settings: Settings, engine: Engine) -> Iterator[Searcher]:
    """Yield a searcher over these settings, closed after."""
    searcher = Searcher.open(settings, engine)
    yield searcher
    searcher.close()


@pytest.fixture
def searcher(ai_settings: Settings, engine: Engine) -> Iterator[Searcher]:
    """Yield a searcher with the stand-in embedder and no reranker."""
    yield from open_searcher(ai_settings, engine)


def titles(engine: Engine, searcher: Searcher, request: SearchRequest) -> list[str]:
    """Return the titles of one page of results, in order."""
    ids = [hit.project_id for hit in searcher.search(request).hits]
    with session_scope(engine) as session:
        found = dict(session.execute(select(Project.id, Project.title)).all())
    return [found[project_id] for project_id in ids]


@pytest.mark.usefixtures("showcase")
def test_semantic_search_ranks_exactly_like_brute_force(
    searcher: Searcher, engine: Engine
) -> None:
    """The order and the cosines equal a numpy computation over stored vectors."""
    query = "robot for the vegetable garden"
    with session_scope(engine) as session:
        rows = session.execute(
            select(Project.id, Project.embedding).where(Project.embedding.is_not(None))
        ).all()
    vectors = np.vstack([from_blob(row.embedding) for row in rows])
    cosines = vectors @ np.asarray(embed(query), dtype=np.float32)
    expected = [rows[i].id for i in np.argsort(-cosines)[:3]]

    result = searcher.search(SearchRequest(query, Mode.SEMANTIC, limit=3, rerank=False))

    assert [hit.project_id for hit in result.hits] == expected
    assert [hit.similarity for hit in result.hits] == pytest.approx(
        sorted(cosines, reverse=True)[:3], abs=1e-5
    )
    assert result.total == 5  # every embedded project, the pool being larger
    assert result.mode_used == Mode.SEMANTIC and result.notes == []


@pytest.mark.usefixtures("showcase")
def test_keyword_search_matches_words_in_any_field(
    searcher: Searcher, engine: Engine
) -> None:
    """Title, description, hashtags and comment text all match; stems too."""
    by_hashtag = SearchRequest("pottery", Mode.KEYWORD)
    by_stem = SearchRequest("schedule", Mode.KEYWORD)
    by_comment = SearchRequest("cook", Mode.KEYWORD)
    hostile = SearchRequest('rust" OR NEAR(* -', Mode.KEYWORD)

    assert titles(engine, searcher, by_hashtag) == ["Kiln"]
    assert titles(engine, searcher, by_stem) == ["Kiln"]
    assert titles(engine, searcher, by_comment) == [None]
    assert titles(engine, searcher, hostile) == ["Rustacean"]


@pytest.mark.usefixtures("showcase")
def test_hybrid_search_finds_by_keyword_and_by_meaning(
    searcher: Searcher, engine: Engine
) -> None:
    """The default mode fuses both lists; every hit carries its cosine."""
    result = searcher.search(SearchRequest("sqlite embeddings"))

    assert result.mode_used == Mode.HYBRID
    assert (
        result.hits[0].project_id
        == searcher.search(SearchRequest("sqlite embeddings", Mode.KEYWORD))
        .hits[0]
        .project_id
    )
    assert all(hit.similarity is not None for hit in result.hits)
    assert titles(engine, searcher, SearchRequest("sqlite embeddings"))[0] == (
        "Vectorly"
    )


@pytest.mark.usefixtures("showcase")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ProjectFilters(hashtags=("rust", "garden")), {"Rustacean", "GardenBot"}),
        (ProjectFilters(hashtags=("rust", "compiler"), match_all_hashtags=True),
         {"Rustacean"}),
        (ProjectFilters(idea_min=7, complexity_max=7), {"Tidepool", "Rustacean"}),
        (ProjectFilters(month_from=(2024, 7), month_to=(2024, 7)),
         {"Kiln", "Rustacean"}),
        (ProjectFilters(author="ANA"), {"Tidepool", "GardenBot"}),
        (ProjectFilters(is_valid=False), {None}),
    ],
)  # fmt: skip
def test_filters_apply_to_every_mode(
    searcher: Searcher,
    engine: Engine,
    filters: ProjectFilters,
    expected: set[str | None],
) -> None:
    """The same filters give the same set in semantic, keyword and hybrid search."""
    query = "a tool for people sailing pottery rust garden cooking"

    found = {
        mode: set(titles(engine, searcher, SearchRequest(query, mode, filters)))
        for mode in Mode
    }

    assert found[Mode.KEYWORD] <= expected
    assert found[Mode.HYBRID] == expected
    if filters.is_valid is not False:  # invalid projects have no vector
        assert found[Mode.SEMANTIC] == expected


@pytest.mark.usefixtures("showcase")
def test_pages_are_disjoint_and_the_total_counts_all_pages(
    searcher: Searcher, engine: Engine
) -> None:
    """Three pages of two cover the five embedded projects once each."""
    pages = [
        searcher.search(SearchRequest("tool", Mode.SEMANTIC, offset=offset, limit=2))
        for offset in (0, 2, 4)
    ]

    ids = [hit.project_id for page in pages for hit in page.hits]
    assert [len(page.hits) for page in pages] == [2, 2, 1]
    assert len(set(ids)) == 5
    assert {page.total for page in pages} == {5}


@pytest.mark.usefixtures("showcase")
def test_sorting_by_idea_score_reorders_the_hits(
    searcher: Searcher, engine: Engine
) -> None:
    """With a sort other than relevance, the hits come by that field."""
    request = SearchRequest("tool", Mode.SEMANTIC, sort=Sort.IDEA)

    assert titles(engine, searcher, request)[0] == "Rustacean"


def test_a_new_project_is_found_before_the_rebuild_and_a_deleted_one_never(
    searcher: Searcher, engine: Engine, showcase: dict[str, int], ai_settings: Settings
) -> None:
    """Freshness and deletion, through the service and a rebuilt index."""
    VectorIndex(ai_settings.index_dir, engine, MODEL).rebuild()
    text = "Lighthouse. A lamp scheduler for lighthouse keepers. #lamps"
    with session_scope(engine) as session:
        session.add(
            Project(comment_id=7100, is_valid=True, title="Lighthouse",
                    description="A lamp scheduler for lighthouse keepers.",
                    hashtags=["lamps"], urls=[], idea_score=5, complexity_score=2,
                    embedding=np.asarray(embed(text), np.float32).tobytes(),
                    embedding_model=MODEL, embedding_dim=64)
        )  # fmt: skip
    delete_project(engine, showcase["Tidepool"])

    found = titles(engine, searcher, SearchRequest("lighthouse lamp", limit=10))

    assert found[0] == "Lighthouse"
    assert "Tidepool" not in titles(
        engine, searcher, SearchRequest("tide charts sailors", limit=10)
    )


@pytest.mark.usefixtures("showcase")
def test_similar_projects_leave_the_project_itself_out(
    searcher: Searcher, showcase: dict[str, int]
) -> None:
    """Nearest valid projects by embedding, best first."""
    similar = searcher.similar(showcase["Vectorly"], limit=3)

    assert len(similar) == 3
    assert showcase["Vectorly"] not in [hit.project_id for hit in similar]
    assert similar[0].similarity >= similar[-1].similarity  # type: ignore[operator]


@pytest.mark.usefixtures("showcase")
def test_an_embedder_that_refuses_falls_back_to_keywords(
    ai_settings: Settings, engine: Engine
) -> None:
    """Connection refused: keyword results, and a note that says why."""
    down = ai_settings.model_copy(
        update={"embedder_url": f"http://127.0.0.1:{closed_port()}"}
    )
    for searcher in open_searcher(down, engine):
        result = searcher.search(SearchRequest("pottery"))

        assert result.mode_used == Mode.KEYWORD
        assert len(result.hits) == 1
        assert result.notes == [
            "The embedder failed (embedder unreachable: Connection refused): "
            "keyword search only."
        ]


@pytest.mark.usefixtures("showcase")
@pytest.mark.parametrize("api", ["cohere", "tei", "nim"])
def test_each_rerank_api_reorders_the_top_hits(
    ai_settings: Settings, engine: Engine, api: str
) -> None:
    """The stand-in answers only its own API; the word-overlap order wins."""
    script = RerankScript(api=api)  # type: ignore[arg-type]
    with serve_in_thread(create_rerank_standin(script)) as url:
        settings = ai_settings.model_copy(
            update={"reranker_url": url, "reranker_api": api, "reranker_model": "rr"}
        )
        for searcher in open_searcher(settings, engine):
            result = searcher.search(SearchRequest("arduino garden robot", limit=2))

    assert result.reranker == f"{api}:rr"
    assert result.hits[0].rerank_score is not None
    assert result.hits[0].rerank_score >= result.hits[1].rerank_score  # type: ignore[operator]
    assert len(script.requests) == 1


@pytest.mark.usefixtures("showcase")
def test_a_reranker_that_refuses_keeps_the_vector_order(
    ai_settings: Settings, engine: Engine, searcher: Searcher
) -> None:
    """Connection refused: the unreranked order, and a note that says why."""
    expected = searcher.search(SearchRequest("garden robot", rerank=False)).hits
    down = ai_settings.model_copy(
        update={"reranker_url": f"http://127.0.0.1:{closed_port()}"}
    )
    for refused in open_searcher(down, engine):
        result = refused.search(SearchRequest("garden robot"))

        assert result.hits == expected
        assert result.reranker is None
        assert result.notes == [
            "The reranker failed (reranker unreachable: Connection refused): "
            "order kept."
        ]


def test_a_narrow_filter_finds_all_its_matches_after_a_rebuild(
    ai_settings: Settings, engine: Engine
) -> None:
    """4000 vectors in inverted lists; the 20 by one author are all found."""
    with session_scope(engine) as session:
        session.add(make_post(1, month=1))
        session.flush()
        session.add_all([make_comment(1, 1), make_comment(2, 1)])
        session.get_one(Comment, 2).author = "rare"
    vectors = np.random.default_rng(3).normal(size=(4000, 64)).astype(np.float32)
    with session_scope(engine) as session:
        session.add_all(
            Project(comment_id=2 if n % 200 == 0 else 1, is_valid=True, title=f"P{n}",
                    hashtags=[], urls=[], embedding=vector.tobytes(),
                    embedding_model=MODEL, embedding_dim=64)
            for n, vector in enumerate(vectors)
        )  # fmt: skip
    VectorIndex(ai_settings.index_dir, engine, MODEL).rebuild()

    for searcher in open_searcher(ai_settings, engine):
        found = searcher.search(
            SearchRequest("anything", Mode.SEMANTIC, ProjectFilters(author="rare"),
                          limit=50, rerank=False)
        )  # fmt: skip

        assert found.total == 20
