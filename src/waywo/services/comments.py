"""Reading comments back: filtered pages, one comment with its thread and projects."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, func, select, true
from sqlalchemy.orm import selectinload

from waywo.errors import NotFoundError
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, CommentState


@dataclass(frozen=True)
class CommentPage:
    """One page of comments and the total over all pages."""

    comments: list[Comment]
    total: int


def read_comments(
    engine: Engine,
    *,
    post_id: int | None = None,
    state: CommentState | None = None,
    include_replies: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> CommentPage:
    """Return a page of comments in HN time order, with the total that match."""
    condition: ColumnElement[bool] = true()
    if post_id is not None:
        condition &= Comment.post_id == post_id
    if state is not None:
        condition &= Comment.state == state
    if not include_replies:
        condition &= Comment.parent_id.is_(None)

    with session_scope(engine) as session:
        total = (
            session.scalar(select(func.count()).select_from(Comment).where(condition))
            or 0
        )
        comments = session.scalars(
            select(Comment)
            .where(condition)
            .order_by(Comment.time, Comment.id)
            .offset(offset)
            .limit(limit)
        ).all()
    return CommentPage(list(comments), total)


def read_comment(engine: Engine, comment_id: int) -> Comment:
    """Return one comment with its thread and projects loaded, or raise 404."""
    with session_scope(engine) as session:
        comment = session.scalar(
            select(Comment)
            .where(Comment.id == comment_id)
            .options(selectinload(Comment.post), selectinload(Comment.projects))
        )
    if comment is None:
        raise NotFoundError(f"No comment {comment_id} is stored")
    return comment
