"""Keyword search: SQLite FTS5 over titles, descriptions, hashtags and comment text."""

import re
from typing import Any

from sqlalchemy import Engine, column, func, literal_column, select, table
from sqlalchemy.sql.expression import ColumnClause

from waywo.search.filters import ProjectFilters
from waywo.storage.database import session_scope
from waywo.storage.models import Project

WORD = re.compile(r"\w+")
FTS = table("projects_fts", column("rowid"))
FTS_TABLE: ColumnClause[Any] = literal_column("projects_fts")
# bm25 weights, in column order: a word in the title counts most.
COLUMN_WEIGHTS = (10.0, 5.0, 3.0, 5.0, 1.0)


def match_expression(query: str) -> str | None:
    """Return an FTS5 query matching any of the words, or None when there are none.

    Each word is quoted, so FTS5 operators in user input are taken as words.
    """
    words = WORD.findall(query.lower())
    return " OR ".join(f'"{word}"' for word in dict.fromkeys(words)) or None


def rank_by_keywords(
    engine: Engine, query: str, filters: ProjectFilters, limit: int | None = None
) -> list[tuple[int, float]]:
    """Return (project id, bm25 score) of every match, best first (lower is better)."""
    expression = match_expression(query)
    if expression is None:
        return []
    score = func.bm25(FTS_TABLE, *COLUMN_WEIGHTS).label("score")
    ranked = (
        filters.apply(select(Project.id, score).join(FTS, FTS.c.rowid == Project.id))
        .where(FTS_TABLE.match(expression))
        .order_by(score, Project.id)
        .limit(limit)
    )
    with session_scope(engine) as session:
        return [(row.id, float(row.score)) for row in session.execute(ranked)]
