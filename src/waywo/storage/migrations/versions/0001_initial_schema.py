"""Create the posts, comments and projects tables.

Revision ID: 0001
Revises:
Create Date: 2026-12-03 19:59:12.627918
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# SQLite has one writer at a time, holding the lock until it commits, so numbers
# drawn from a counter inside a write follow commit order. The vector index relies
# on it. The counter never goes down, not even when rows are deleted.
EMBEDDING_SEQ_TRIGGER = """
CREATE TRIGGER {name} AFTER {event} ON projects
WHEN NEW.embedding IS NOT NULL
BEGIN
    UPDATE embedding_counter SET value = value + 1;
    UPDATE projects
    SET embedding_seq = (SELECT value FROM embedding_counter)
    WHERE id = NEW.id;
END
"""
TRIGGER_NAMES = {
    "INSERT": "projects_embedding_seq_on_insert",
    "UPDATE OF embedding": "projects_embedding_seq_on_update",
}


def upgrade() -> None:
    """Apply this revision."""
    counter = op.create_table(
        "embedding_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(counter, [{"id": 1, "value": 0}])
    op.create_table(
        "posts",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=True),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("descendants", sa.Integer(), nullable=True),
        sa.Column("text_html", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index("ix_posts_year_month", ["year", "month"], unique=False)

    op.create_table(
        "comments",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=True),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("text_html", sa.Text(), nullable=True),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("is_dead", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("llm_model", sa.Text(), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("llm_latency_ms", sa.Float(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'processed', 'failed')", name="state_known"
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["comments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comments_post_parent", ["post_id", "parent_id"], unique=False
        )
        batch_op.create_index("ix_comments_state", ["state"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.BigInteger(), nullable=False),
        sa.Column("is_valid", sa.Boolean(), nullable=False),
        sa.Column("invalid_reason", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("short_description", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("hashtags", sa.JSON(), nullable=False),
        sa.Column("urls", sa.JSON(), nullable=False),
        sa.Column("idea_score", sa.Integer(), nullable=True),
        sa.Column("complexity_score", sa.Integer(), nullable=True),
        sa.Column("is_bookmarked", sa.Boolean(), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("embedding_model", sa.Text(), nullable=True),
        sa.Column("embedding_dim", sa.Integer(), nullable=True),
        sa.Column("embedding_seq", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "complexity_score BETWEEN 1 AND 10", name="complexity_score_range"
        ),
        sa.CheckConstraint(
            "embedding IS NULL OR (embedding_dim > 0 AND embedding_model IS NOT NULL"
            " AND length(embedding) = 4 * embedding_dim)",
            name="embedding_complete",
        ),
        sa.CheckConstraint("idea_score BETWEEN 1 AND 10", name="idea_score_range"),
        sa.CheckConstraint(
            "is_valid OR invalid_reason IS NOT NULL", name="invalid_has_reason"
        ),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_projects_comment_id"), ["comment_id"], unique=False
        )
        batch_op.create_index(
            "ix_projects_embedding_seq", ["embedding_seq"], unique=False
        )
    for event in ("INSERT", "UPDATE OF embedding"):
        op.execute(EMBEDDING_SEQ_TRIGGER.format(name=TRIGGER_NAMES[event], event=event))


def downgrade() -> None:
    """Revert this revision."""
    for name in TRIGGER_NAMES.values():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index("ix_projects_embedding_seq")
        batch_op.drop_index(batch_op.f("ix_projects_comment_id"))

    op.drop_table("projects")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_state")
        batch_op.drop_index("ix_comments_post_parent")

    op.drop_table("comments")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_year_month")

    op.drop_table("posts")
    op.drop_table("embedding_counter")
