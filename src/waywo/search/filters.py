"""Filters every project list and search accepts, as one SQL condition."""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, true
from sqlalchemy.orm import InstrumentedAttribute

from waywo.errors import InvalidInputError
from waywo.storage.models import Comment, Post, Project


class Sort(StrEnum):
    """How results are ordered."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"
    IDEA = "idea"
    COMPLEXITY = "complexity"


@dataclass(frozen=True)
class ProjectFilters:
    """What to keep; every field left empty keeps everything."""

    hashtags: tuple[str, ...] = ()
    match_all_hashtags: bool = False
    idea_min: int | None = None
    idea_max: int | None = None
    complexity_min: int | None = None
    complexity_max: int | None = None
    month_from: tuple[int, int] | None = None  # (year, month) of the thread
    month_to: tuple[int, int] | None = None
    author: str | None = None
    is_valid: bool | None = None
    is_bookmarked: bool | None = None

    def condition(self) -> ColumnElement[bool]:
        """Return the SQL condition on a query joining projects, comments and posts."""
        parts: list[ColumnElement[bool]] = [true()]
        if self.hashtags:
            parts.append(_hashtag_condition(self.hashtags, self.match_all_hashtags))
        parts += _range(Project.idea_score, self.idea_min, self.idea_max)
        parts += _range(
            Project.complexity_score, self.complexity_min, self.complexity_max
        )
        month = Post.year * 100 + Post.month
        if self.month_from:
            parts.append(month >= self.month_from[0] * 100 + self.month_from[1])
        if self.month_to:
            parts.append(month <= self.month_to[0] * 100 + self.month_to[1])
        if self.author:
            parts.append(func.lower(Comment.author) == self.author.lower())
        if self.is_valid is not None:
            parts.append(Project.is_valid.is_(self.is_valid))
        if self.is_bookmarked is not None:
            parts.append(Project.is_bookmarked.is_(self.is_bookmarked))
        return and_(*parts)

    def apply(self, query: Select) -> Select:  # type: ignore[type-arg]
        """Join what the filters need and add their condition to a projects query."""
        return (
            query.join(Comment, Comment.id == Project.comment_id)
            .join(Post, Post.id == Comment.post_id)
            .where(self.condition())
        )


def parse_month(text: str | None, name: str) -> tuple[int, int] | None:
    """Read ``YYYY-MM``; refuse anything else naming the parameter."""
    if text is None:
        return None
    year, _, month = text.partition("-")
    digits = (year + month).isascii() and year.isdigit() and month.isdigit()
    if not (digits and 1 <= int(month) <= 12):
        raise InvalidInputError(f"{name} must be a month as YYYY-MM, not {text!r}")
    return int(year), int(month)


def _hashtag_condition(tags: tuple[str, ...], match_all: bool) -> ColumnElement[bool]:
    wanted = sorted({tag.lower().lstrip("#") for tag in tags})
    each = func.json_each(Project.hashtags).table_valued("value")
    if not match_all:
        return exists(select(1).select_from(each).where(each.c.value.in_(wanted)))
    matched = (
        select(func.count(func.distinct(each.c.value)))
        .select_from(each)
        .where(each.c.value.in_(wanted))
        .scalar_subquery()
    )
    return matched == len(wanted)


def _range(
    column: InstrumentedAttribute[int | None], low: int | None, high: int | None
) -> list[ColumnElement[bool]]:
    parts = []
    if low is not None:
        parts.append(column >= low)
    if high is not None:
        parts.append(column <= high)
    return parts
