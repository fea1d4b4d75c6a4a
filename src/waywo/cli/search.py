"""``waywo search``: find projects from the command line, as a table or JSON lines."""

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from waywo.cli.app import app, console, error_console, load_settings
from waywo.search.filters import ProjectFilters, Sort, parse_month
from waywo.services.projects import read_projects
from waywo.services.search import Mode, Searcher, SearchRequest, SearchResult
from waywo.storage.database import open_database
from waywo.storage.models import Project

Score = Annotated[int | None, typer.Option(min=1, max=10)]


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in any words.")],
    mode: Annotated[Mode, typer.Option(help="How to match.")] = Mode.HYBRID,
    rerank: Annotated[bool, typer.Option(help="Rerank the top hits.")] = True,
    hashtag: Annotated[
        list[str] | None, typer.Option(help="Repeat for several.")
    ] = None,
    all_hashtags: Annotated[
        bool, typer.Option(help="Need every hashtag, not any.")
    ] = False,
    idea_min: Score = None,
    idea_max: Score = None,
    complexity_min: Score = None,
    complexity_max: Score = None,
    month_from: Annotated[str | None, typer.Option(help="YYYY-MM")] = None,
    month_to: Annotated[str | None, typer.Option(help="YYYY-MM")] = None,
    author: str | None = None,
    valid: Annotated[
        bool | None, typer.Option("--valid/--invalid", help="Only one kind.")
    ] = None,
    bookmarked: Annotated[
        bool | None, typer.Option("--bookmarked/--not-bookmarked")
    ] = None,
    sort: Sort = Sort.RELEVANCE,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 10,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per result.")
    ] = False,
) -> None:
    """Search the projects by meaning and keywords."""
    filters = ProjectFilters(
        hashtags=tuple(hashtag or ()),
        match_all_hashtags=all_hashtags,
        idea_min=idea_min,
        idea_max=idea_max,
        complexity_min=complexity_min,
        complexity_max=complexity_max,
        month_from=parse_month(month_from, "--month-from"),
        month_to=parse_month(month_to, "--month-to"),
        author=author,
        is_valid=valid,
        is_bookmarked=bookmarked,
    )
    settings = load_settings()
    engine = open_database(settings)

    searcher = Searcher.open(settings, engine)
    try:
        result = searcher.search(
            SearchRequest(query, mode, filters, sort, offset, limit, rerank)
        )
    finally:
        searcher.close()
    for note in result.notes:
        error_console.print(f"Note: {note}", highlight=False)
    if as_json:
        _print_json(engine, result)
    else:
        _print_table(engine, result)


def _print_json(engine: Engine, result: SearchResult) -> None:
    projects = _projects_of(engine, result)
    for hit in result.hits:
        line = {
            "id": hit.project_id,
            "title": projects[hit.project_id].title,
            "similarity": hit.similarity,
            "rerank_score": hit.rerank_score,
        }
        typer.echo(json.dumps(line))


def _print_table(engine: Engine, result: SearchResult) -> None:
    projects = _projects_of(engine, result)
    table = Table(
        "id", "title", "in brief", "similarity", "rerank", "month",
        title=f"{result.total} found ({result.mode_used})",
    )  # fmt: skip
    for hit in result.hits:
        project = projects[hit.project_id]
        post = project.comment.post
        table.add_row(
            str(hit.project_id),
            project.title or "(not a project)",
            project.short_description or project.invalid_reason or "",
            _figure(hit.similarity),
            _figure(hit.rerank_score),
            f"{post.year}-{post.month:02d}",
        )
    console.print(table)


def _projects_of(engine: Engine, result: SearchResult) -> dict[int, Project]:
    ids = [hit.project_id for hit in result.hits]
    return {project.id: project for project in read_projects(engine, ids)}


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
