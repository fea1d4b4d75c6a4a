"""Project routes: search, lists, one project, similar ones, hashtags, export."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import StreamingResponse

from waywo.api.deps import EngineDep, SearcherDep, require_admin
from waywo.api.params import FiltersDep, ItemId
from waywo.api.schemas.projects import (
    BookmarkChange,
    BookmarkState,
    HashtagCount,
    ProjectCard,
    ProjectDetail,
    ProjectPage,
    SearchHitPublic,
    SearchResponse,
    SimilarProject,
)
from waywo.search.filters import Sort
from waywo.services import projects
from waywo.services.search import Mode, SearchRequest, SearchResult

router = APIRouter(prefix="/api", tags=["projects"])

Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=200)]
SearchText = Annotated[str, Query(min_length=1, max_length=500)]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@router.get("/search")
def search(
    q: SearchText,
    filters: FiltersDep,
    searcher: SearcherDep,
    engine: EngineDep,
    mode: Mode = Mode.HYBRID,
    rerank: bool = True,
    sort: Sort = Sort.RELEVANCE,
    offset: Offset = 0,
    limit: Limit = 20,
) -> SearchResponse:
    """Search projects by meaning, keywords or both (hybrid, the default)."""
    request = SearchRequest(q, mode, filters, sort, offset, limit, rerank)
    result = searcher.search(request)
    return SearchResponse(
        query=q,
        mode=mode,
        mode_used=result.mode_used,
        reranker=result.reranker,
        notes=result.notes,
        total=result.total,
        offset=offset,
        limit=limit,
        results=_hits(engine, result),
    )


@router.get("/projects")
def list_projects(
    engine: EngineDep,
    filters: FiltersDep,
    sort: Sort = Sort.NEWEST,
    offset: Offset = 0,
    limit: Limit = 20,
) -> ProjectPage:
    """List projects passing the filters, newest first by default."""
    page = projects.list_projects(engine, filters, sort, offset, limit)
    return ProjectPage(
        projects=[ProjectCard.of(project) for project in page.projects],
        total=page.total,
        offset=offset,
        limit=limit,
    )


@router.get("/projects/hashtags")
def count_hashtags(
    engine: EngineDep, filters: FiltersDep, limit: Limit = 50
) -> list[HashtagCount]:
    """Return the most used hashtags among the filtered projects."""
    return [
        HashtagCount(hashtag=tag, count=count)
        for tag, count in projects.count_hashtags(engine, filters, limit)
    ]


@router.get(
    "/projects/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
def export_projects(
    engine: EngineDep,
    searcher: SearcherDep,
    filters: FiltersDep,
    format: Literal["jsonl", "csv"] = "jsonl",  # noqa: A002  (the public name)
    q: Annotated[str | None, Query(max_length=500)] = None,
    mode: Mode = Mode.HYBRID,
    sort: Sort = Sort.NEWEST,
) -> StreamingResponse:
    """Stream every filtered project (or every search hit) as JSON Lines or CSV."""
    ids = None
    if q:
        found = searcher.search(
            SearchRequest(q, mode, filters, Sort.RELEVANCE, 0, 10_000, rerank=False)
        )
        ids = [hit.project_id for hit in found.hits]
    rows = projects.export_rows(engine, filters, sort, ids)
    if format == "csv":
        body, media_type = _csv_lines(rows), "text/csv"
    else:
        body = (json.dumps(row) + "\n" for row in rows)
        media_type = "application/x-ndjson"
    filename = f"waywo-projects.{format}"
    return StreamingResponse(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/projects/{project_id}")
def read_project(project_id: ItemId, engine: EngineDep) -> ProjectDetail:
    """Return one project with its source comment and thread."""
    return ProjectDetail.of_project(projects.read_project(engine, project_id))


@router.get("/projects/{project_id}/similar")
def similar_projects(
    project_id: ItemId,
    engine: EngineDep,
    searcher: SearcherDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[SimilarProject]:
    """Return the valid projects nearest to this one by embedding."""
    nearest = searcher.similar(project_id, limit)
    cards = projects.read_projects(engine, [hit.project_id for hit in nearest])
    similarity = {hit.project_id: hit.similarity for hit in nearest}
    return [
        SimilarProject(
            project=ProjectCard.of(card), similarity=similarity[card.id] or 0
        )
        for card in cards
    ]


@router.post("/projects/{project_id}/bookmark")
def bookmark_project(
    project_id: ItemId, change: BookmarkChange, engine: EngineDep
) -> BookmarkState:
    """Toggle the bookmark with ``{}``, or set it with ``{"is_bookmarked": ...}``.

    The JSON body is required, so a cross-site form cannot change bookmarks.
    """
    state = projects.set_bookmark(engine, project_id, change.is_bookmarked)
    return BookmarkState(id=project_id, is_bookmarked=state)


@router.delete(
    "/projects/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(require_admin)],
)
def delete_project(project_id: ItemId, engine: EngineDep) -> Response:
    """Delete a project; it never appears in a list or search again."""
    projects.delete_project(engine, project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _cell(value: Any) -> Any:
    text = " ".join(value) if isinstance(value, list) else value
    if isinstance(text, str) and text[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def _hits(engine: EngineDep, result: SearchResult) -> list[SearchHitPublic]:
    cards = {
        project.id: project
        for project in projects.read_projects(
            engine, [hit.project_id for hit in result.hits]
        )
    }
    return [
        SearchHitPublic(
            project=ProjectCard.of(cards[hit.project_id]),
            similarity=hit.similarity,
            keyword_score=hit.keyword_score,
            rerank_score=hit.rerank_score,
        )
        for hit in result.hits
        if hit.project_id in cards
    ]


def _csv_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """Yield CSV text a row at a time; lists are joined with spaces.

    Text comes from HN comments through an LLM, so a cell that a spreadsheet
    would run as a formula gets a leading apostrophe.
    """
    buffer = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        flat = {key: _cell(value) for key, value in row.items()}
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(flat))
            writer.writeheader()
        writer.writerow(flat)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
