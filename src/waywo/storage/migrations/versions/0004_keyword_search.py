"""Keyword search: plain comment text, and an FTS5 index of projects kept by triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from waywo.text import html_to_text

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = "title, short_description, description, hashtags, comment_text"
FTS_ROW = """
INSERT INTO projects_fts(rowid, title, short_description, description, hashtags,
                         comment_text)
SELECT p.id, p.title, p.short_description, p.description, p.hashtags, c.text_plain
FROM projects AS p JOIN comments AS c ON c.id = p.comment_id
"""
TRIGGERS = {
    "projects_fts_insert": f"""
        CREATE TRIGGER projects_fts_insert AFTER INSERT ON projects BEGIN
            {FTS_ROW} WHERE p.id = NEW.id;
        END""",
    "projects_fts_update": f"""
        CREATE TRIGGER projects_fts_update
        AFTER UPDATE OF title, short_description, description, hashtags, comment_id
        ON projects BEGIN
            DELETE FROM projects_fts WHERE rowid = OLD.id;
            {FTS_ROW} WHERE p.id = NEW.id;
        END""",
    "projects_fts_delete": """
        CREATE TRIGGER projects_fts_delete AFTER DELETE ON projects BEGIN
            DELETE FROM projects_fts WHERE rowid = OLD.id;
        END""",
    "projects_fts_comment_text": f"""
        CREATE TRIGGER projects_fts_comment_text
        AFTER UPDATE OF text_plain ON comments BEGIN
            DELETE FROM projects_fts
            WHERE rowid IN (SELECT id FROM projects WHERE comment_id = NEW.id);
            {FTS_ROW} WHERE p.comment_id = NEW.id;
        END""",
}


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_plain", sa.Text(), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, text_html FROM comments")).all()
    if rows:
        connection.execute(
            sa.text("UPDATE comments SET text_plain = :text WHERE id = :id"),
            [{"id": row.id, "text": html_to_text(row.text_html)} for row in rows],
        )

    op.execute(
        f"CREATE VIRTUAL TABLE projects_fts USING fts5({FTS_COLUMNS}, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    for statement in TRIGGERS.values():
        op.execute(statement)
    op.execute(FTS_ROW)


def downgrade() -> None:
    """Revert this revision."""
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE projects_fts")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("text_plain")
