"""Reading and changing projects: lists, one project, hashtags, bookmarks, export."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, delete, desc, func, select, true
from sqlalchemy.orm import selectinload

from waywo.errors import NotFoundError
from waywo.search.filters import ProjectFilters, Sort
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, Post, Project

EXPORT_BATCH_ROWS = 500
SORT_COLUMNS = {
    Sort.NEWEST: (desc(Comment.time), desc(Project.id)),
    Sort.OLDEST: (Comment.time, Project.id),
    Sort.IDEA: (desc(Project.idea_score), desc(Project.id)),
    Sort.COMPLEXITY: (desc(Project.complexity_score), desc(Project.id)),
}
SORT_COLUMNS[Sort.RELEVANCE] = SORT_COLUMNS[Sort.NEWEST]


@dataclass(frozen=True)
class ProjectPage:
    """One page of projects and the total that pass the filters."""

    projects: list[Project]
    total: int


def _with_source(query: Select) -> Select:  # type: ignore[type-arg]
    """Load each project's comment and thread along with it."""
    return query.options(selectinload(Project.comment).selectinload(Comment.post))


def list_projects(
    engine: Engine, filters: ProjectFilters, sort: Sort, offset: int, limit: int
) -> ProjectPage:
    """Return a page of the projects that pass the filters."""
    with session_scope(engine) as session:
        total = session.scalar(filters.apply(select(func.count(Project.id)))) or 0
        projects = session.scalars(
            _with_source(filters.apply(select(Project)))
            .order_by(*SORT_COLUMNS[sort])
            .offset(offset)
            .limit(limit)
        ).all()
    return ProjectPage(list(projects), total)


def read_projects(engine: Engine, ids: list[int]) -> list[Project]:
    """Return these projects, with comment and thread, in the order given."""
    with session_scope(engine) as session:
        found = {
            project.id: project
            for project in session.scalars(
                _with_source(select(Project).where(Project.id.in_(ids)))
            )
        }
    return [found[project_id] for project_id in ids if project_id in found]


def read_project(engine: Engine, project_id: int) -> Project:
    """Return one project with its comment and thread, or raise 404."""
    projects = read_projects(engine, [project_id])
    if not projects:
        raise NotFoundError(f"No project {project_id} is stored")
    return projects[0]


def sort_keys(engine: Engine, ids: list[int], sort: Sort) -> dict[int, int]:
    """Return each project's position in the given order, for re-sorting hits."""
    query = (
        select(Project.id)
        .join(Comment, Comment.id == Project.comment_id)
        .where(Project.id.in_(ids))
        .order_by(*SORT_COLUMNS[sort])
    )
    with session_scope(engine) as session:
        return {
            project_id: rank for rank, project_id in enumerate(session.scalars(query))
        }


def count_hashtags(
    engine: Engine, filters: ProjectFilters, limit: int
) -> list[tuple[str, int]]:
    """Return the most used hashtags among the filtered projects, with their counts."""
    each = func.json_each(Project.hashtags).table_valued("value")
    uses = func.count().label("uses")
    query = (
        filters.apply(select(each.c.value, uses).select_from(Project))
        .join(each, true())
        .group_by(each.c.value)
        .order_by(uses.desc(), each.c.value)
        .limit(limit)
    )
    with session_scope(engine) as session:
        return [(str(tag), int(count)) for tag, count in session.execute(query)]


def set_bookmark(engine: Engine, project_id: int, is_bookmarked: bool | None) -> bool:
    """Set the bookmark, or toggle it when ``is_bookmarked`` is None; return it."""
    with session_scope(engine) as session:
        project = session.get(Project, project_id)
        if project is None:
            raise NotFoundError(f"No project {project_id} is stored")
        project.is_bookmarked = (
            not project.is_bookmarked if is_bookmarked is None else is_bookmarked
        )
        return project.is_bookmarked


def delete_project(engine: Engine, project_id: int) -> None:
    """Delete one project; it leaves every list, search and the index at once."""
    with session_scope(engine) as session:
        deleted = session.execute(delete(Project).where(Project.id == project_id))
        if deleted.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFoundError(f"No project {project_id} is stored")


def export_rows(
    engine: Engine, filters: ProjectFilters, sort: Sort, ids: list[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield the filtered projects as plain rows, a batch of queries at a time."""
    offset = 0
    while True:
        if ids is not None:
            batch = read_projects(engine, ids[offset : offset + EXPORT_BATCH_ROWS])
        else:
            batch = list_projects(
                engine, filters, sort, offset, EXPORT_BATCH_ROWS
            ).projects
        yield from (export_row(project) for project in batch)
        if len(batch) < EXPORT_BATCH_ROWS:
            return
        offset += EXPORT_BATCH_ROWS


def export_row(project: Project) -> dict[str, Any]:
    """Return what an export holds of one project."""
    comment: Comment = project.comment
    post: Post = comment.post
    return {
        "id": project.id,
        "title": project.title,
        "short_description": project.short_description,
        "description": project.description,
        "hashtags": project.hashtags,
        "urls": project.urls,
        "idea_score": project.idea_score,
        "complexity_score": project.complexity_score,
        "is_valid": project.is_valid,
        "invalid_reason": project.invalid_reason,
        "is_bookmarked": project.is_bookmarked,
        "author": comment.author,
        "comment_id": comment.id,
        "comment_url": f"https://news.ycombinator.com/item?id={comment.id}",
        "thread_id": post.id,
        "thread_month": f"{post.year}-{post.month:02d}",
    }
