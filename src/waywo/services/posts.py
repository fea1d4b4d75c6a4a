"""Reading threads back: lists with counts, one thread, monthly figures."""

from typing import Any

from sqlalchemy import Engine, Select, func, select

from waywo.errors import NotFoundError
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, Post, Project

HN_ITEM_URL = "https://news.ycombinator.com/item?id={}"


def _counts_query() -> Select[Post, int, int, int]:
    """Select each post with its stored comment, reply and project counts."""
    comment_counts = (
        select(
            Comment.post_id,
            func.count().filter(Comment.parent_id.is_(None)).label("comments"),
            func.count().filter(Comment.parent_id.is_not(None)).label("replies"),
        )
        .group_by(Comment.post_id)
        .subquery()
    )
    project_counts = (
        select(Comment.post_id, func.count(Project.id).label("projects"))
        .join(Project, Project.comment_id == Comment.id)
        .group_by(Comment.post_id)
        .subquery()
    )
    return (
        select(
            Post,
            func.coalesce(comment_counts.c.comments, 0),
            func.coalesce(comment_counts.c.replies, 0),
            func.coalesce(project_counts.c.projects, 0),
        )
        .outerjoin(comment_counts, comment_counts.c.post_id == Post.id)
        .outerjoin(project_counts, project_counts.c.post_id == Post.id)
    )


def _as_summary(
    post: Post, comments: int, replies: int, projects: int
) -> dict[str, Any]:
    return {
        "id": post.id,
        "title": post.title,
        "author": post.author,
        "time": post.time,
        "year": post.year,
        "month": post.month,
        "score": post.score,
        "descendants": post.descendants,
        "url": HN_ITEM_URL.format(post.id),
        "collected_at": post.collected_at,
        "comments_count": comments,
        "replies_count": replies,
        "projects_count": projects,
    }


def list_posts(engine: Engine) -> list[dict[str, Any]]:
    """Return every thread with its counts, newest month first."""
    query = _counts_query().order_by(
        Post.year.desc(), Post.month.desc(), Post.id.desc()
    )
    with session_scope(engine) as session:
        return [_as_summary(*row) for row in session.execute(query)]


def read_post(engine: Engine, post_id: int) -> dict[str, Any]:
    """Return one thread with its counts, or raise ``NotFoundError``."""
    with session_scope(engine) as session:
        row = session.execute(_counts_query().where(Post.id == post_id)).first()
    if row is None:
        raise NotFoundError(f"No thread {post_id} is stored")
    return _as_summary(*row)


def month_figures(engine: Engine) -> list[dict[str, int]]:
    """Return per month, oldest first: comments stored, HN's total, projects."""
    figures: dict[tuple[int, int], dict[str, int]] = {}
    with session_scope(engine) as session:
        for post, comments, _replies, projects in session.execute(_counts_query()):
            month = figures.setdefault(
                (post.year, post.month),
                {"year": post.year, "month": post.month, "comments_stored": 0,
                 "hn_comments": 0, "projects": 0},
            )  # fmt: skip
            month["comments_stored"] += comments
            month["hn_comments"] += post.descendants or 0
            month["projects"] += projects
    return [figures[key] for key in sorted(figures)]
