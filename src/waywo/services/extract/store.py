"""The database side of extraction: claim a comment, then write all or nothing.

A claim is a lease on the comment row, taken with one conditional UPDATE, so two
workers (or a worker and ``waywo extract``) never process a comment at once. A
worker that dies keeps its lease until it expires; then anyone may claim again.
"""

import os
import socket
import time
import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, Update, delete, or_, select, update

from waywo.errors import InvalidInputError, NotFoundError
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, CommentState, Post, Project, utc_now


@dataclass(frozen=True)
class ClaimedComment:
    """A comment this extraction holds, with what the LLM needs to read."""

    id: int
    owner: str
    text_html: str | None
    text_plain: str | None
    author: str | None
    thread_title: str
    is_gone: bool  # deleted or dead on HN


@dataclass(frozen=True)
class ProjectDraft:
    """A project ready to be written, its embedding included when it has one."""

    is_valid: bool
    invalid_reason: str | None
    title: str | None
    short_description: str | None
    description: str | None
    hashtags: list[str]
    urls: list[str]
    idea_score: int | None
    complexity_score: int | None
    embedding: bytes | None = None
    embedding_model: str | None = None
    embedding_dim: int | None = None


@dataclass
class Usage:
    """What the LLM calls of one extraction cost."""

    model: str | None = None
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0


class ClaimRefused(Exception):
    """The comment is done already, or another extraction holds it until then."""

    def __init__(self, is_done: bool, lease_expires_at: float | None) -> None:
        super().__init__("done" if is_done else "held by another extraction")
        self.is_done = is_done
        self.lease_expires_at = lease_expires_at


def new_owner() -> str:
    """Return a name for one extraction: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim(
    engine: Engine, comment_id: int, owner: str, lease_seconds: float, force: bool
) -> ClaimedComment:
    """Take the lease on a pending top-level comment (any state when ``force``)."""
    now = time.time()
    is_free = or_(Comment.lease_expires_at.is_(None), Comment.lease_expires_at < now)
    conditions = [Comment.id == comment_id, Comment.parent_id.is_(None), is_free]
    if not force:
        conditions.append(Comment.state == CommentState.PENDING)

    with session_scope(engine) as session:
        taken = session.execute(
            update(Comment)
            .where(*conditions)
            .values(lease_owner=owner, lease_expires_at=now + lease_seconds)
        )
        row = session.execute(
            select(Comment, Post.title)
            .join(Post, Post.id == Comment.post_id)
            .where(Comment.id == comment_id)
        ).first()
        if row is None:
            raise NotFoundError(f"No comment {comment_id} is stored")
        comment, thread_title = row
        if comment.parent_id is not None:
            raise InvalidInputError(
                f"Comment {comment_id} is a reply; only top-level comments "
                "describe projects"
            )
        if taken.rowcount == 0:  # type: ignore[attr-defined]
            is_done = comment.state != CommentState.PENDING and not force
            raise ClaimRefused(is_done, comment.lease_expires_at)
        return ClaimedComment(
            id=comment.id,
            owner=owner,
            text_html=comment.text_html,
            text_plain=comment.text_plain,
            author=comment.author,
            thread_title=thread_title,
            is_gone=comment.is_deleted or comment.is_dead,
        )


def release(engine: Engine, claimed: ClaimedComment) -> None:
    """Give the lease back without changing anything else."""
    with session_scope(engine) as session:
        session.execute(_owned(claimed).values(lease_owner=None, lease_expires_at=None))


def record_failure(
    engine: Engine,
    claimed: ClaimedComment,
    error: str,
    usage: Usage,
    max_attempts: int,
) -> CommentState:
    """Count the failed attempt and keep the error; fail the comment at the limit."""
    with session_scope(engine) as session:
        comment = session.get_one(Comment, claimed.id)
        if comment.lease_owner != claimed.owner:
            return comment.state
        comment.attempts += 1
        comment.error = error
        comment.state = (
            CommentState.FAILED
            if comment.attempts >= max_attempts
            else CommentState.PENDING
        )
        _record_usage(comment, usage)
        _drop_lease(comment)
        return comment.state


def write_projects(
    engine: Engine, claimed: ClaimedComment, drafts: list[ProjectDraft], usage: Usage
) -> bool:
    """Replace the comment's projects in one transaction; tell whether it wrote.

    Nothing is written when the lease was lost, or when a collection changed the
    comment's text meanwhile: those projects would describe the old text.
    """
    with session_scope(engine) as session:
        comment = session.get_one(Comment, claimed.id)
        if comment.lease_owner != claimed.owner:
            return False
        if comment.text_html != claimed.text_html:
            _drop_lease(comment)
            return False
        bookmarked = set(
            session.scalars(
                select(Project.title).where(
                    Project.comment_id == claimed.id, Project.is_bookmarked.is_(True)
                )
            )
        )
        session.execute(delete(Project).where(Project.comment_id == claimed.id))
        # Known limit: new rows get new ids; a bookmark follows its title.
        session.add_all(
            Project(
                comment_id=claimed.id,
                is_bookmarked=draft.title in bookmarked,
                **asdict(draft),
            )
            for draft in drafts
        )
        comment.state = CommentState.PROCESSED
        comment.attempts = 0  # counts failures since the last success
        comment.error = None
        comment.processed_at = utc_now()
        _record_usage(comment, usage)
        _drop_lease(comment)
        return True


def _owned(claimed: ClaimedComment) -> Update:
    return update(Comment).where(
        Comment.id == claimed.id, Comment.lease_owner == claimed.owner
    )


def _record_usage(comment: Comment, usage: Usage) -> None:
    if usage.calls:
        comment.llm_model = usage.model
        comment.llm_calls = usage.calls
        comment.prompt_tokens = usage.prompt_tokens
        comment.completion_tokens = usage.completion_tokens
        comment.llm_latency_ms = usage.latency_ms


def _drop_lease(comment: Comment) -> None:
    comment.lease_owner = None
    comment.lease_expires_at = None
