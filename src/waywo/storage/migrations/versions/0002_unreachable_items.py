"""Record HN items that could not be fetched, to try them again next time.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 20:38:03.605460
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "unreachable_items",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unreachable_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unreachable_items_post_id"), ["post_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("unreachable_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unreachable_items_post_id"))

    op.drop_table("unreachable_items")
