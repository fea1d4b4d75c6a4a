"""The tables of the whole system: HN threads, their comments, extracted projects."""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Timestamped:
    """When a row was first written and last changed, in UTC."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now
    )


class CommentState(StrEnum):
    """Where a comment stands in extraction."""

    PENDING = "pending"
    PROCESSED = "processed"
    FAILED = "failed"


class EmbeddingCounter(Base):
    """One row counting embedding writes; triggers number ``Project.embedding_seq``.

    Resets keep it: numbers must never repeat, or the vector index could take a
    new row for one it has already seen.
    """

    __tablename__ = "embedding_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


class Post(Timestamped, Base):
    """A monthly "What are you working on?" thread (an HN story)."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(64))
    time: Mapped[int] = mapped_column(BigInteger, doc="HN creation time, Unix seconds.")
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)
    descendants: Mapped[int | None] = mapped_column(Integer, doc="HN's comment total.")
    text_html: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    collected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="post", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        Index("ix_posts_year_month", "year", "month"),
    )


class Comment(Timestamped, Base):
    """An HN comment of a thread; top-level ones (no parent) describe projects."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"),
        doc="The comment replied to; NULL for a top-level comment.",
    )
    author: Mapped[str | None] = mapped_column(String(64))
    time: Mapped[int] = mapped_column(BigInteger, doc="HN creation time, Unix seconds.")
    text_html: Mapped[str | None] = mapped_column(Text, doc="HTML as HN sends it.")
    text_plain: Mapped[str | None] = mapped_column(
        Text, doc="Plain text derived from the HTML, for the LLM and keyword search."
    )
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    is_dead: Mapped[bool] = mapped_column(Boolean, default=False)

    state: Mapped[CommentState] = mapped_column(
        String(16), default=CommentState.PENDING
    )
    attempts: Mapped[int] = mapped_column(
        Integer, default=0, doc="Failed extractions since the last success."
    )
    error: Mapped[str | None] = mapped_column(Text)
    llm_model: Mapped[str | None] = mapped_column(Text)
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    llm_latency_ms: Mapped[float | None] = mapped_column(Float)
    llm_calls: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(
        Text, doc="The extraction holding this comment, while it runs."
    )
    lease_expires_at: Mapped[float | None] = mapped_column(
        Float, doc="Unix seconds; after it, another extraction may claim the comment."
    )

    post: Mapped[Post] = relationship(back_populates="comments")
    projects: Mapped[list["Project"]] = relationship(
        back_populates="comment", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint(
            "state IN ('pending', 'processed', 'failed')", name="state_known"
        ),
        Index("ix_comments_post_parent", "post_id", "parent_id"),
        Index("ix_comments_state", "state"),
    )


class Project(Timestamped, Base):
    """A project an LLM found in a comment, valid or not, with its embedding."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    is_valid: Mapped[bool] = mapped_column(Boolean)
    invalid_reason: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    short_description: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    idea_score: Mapped[int | None] = mapped_column(Integer)
    complexity_score: Mapped[int | None] = mapped_column(Integer)
    is_bookmarked: Mapped[bool] = mapped_column(Boolean, default=False)

    embedding: Mapped[bytes | None] = mapped_column(
        LargeBinary, doc="float32 little-endian vector."
    )
    embedding_model: Mapped[str | None] = mapped_column(Text)
    embedding_dim: Mapped[int | None] = mapped_column(Integer)
    embedding_seq: Mapped[int | None] = mapped_column(
        Integer,
        doc="Set by a trigger on every embedding write, in commit order: the vector "
        "index scans rows above the number it was built at.",
    )

    comment: Mapped[Comment] = relationship(back_populates="projects")

    __table_args__ = (
        CheckConstraint("idea_score BETWEEN 1 AND 10", name="idea_score_range"),
        CheckConstraint(
            "complexity_score BETWEEN 1 AND 10", name="complexity_score_range"
        ),
        CheckConstraint(
            "embedding IS NULL OR (embedding_dim > 0 AND embedding_model IS NOT NULL"
            " AND length(embedding) = 4 * embedding_dim)",
            name="embedding_complete",
        ),
        CheckConstraint(
            "is_valid OR invalid_reason IS NOT NULL", name="invalid_has_reason"
        ),
        Index("ix_projects_embedding_seq", "embedding_seq"),
    )


class UnreachableItem(Timestamped, Base):
    """An HN item that could not be fetched; the next collection tries it again."""

    __tablename__ = "unreachable_items"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
