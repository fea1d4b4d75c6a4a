"""Query parameters many routes share: the project filters."""

from typing import Annotated

from fastapi import Depends, Path, Query

from waywo.search.filters import ProjectFilters, parse_month

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
LARGEST_ID = 2**63 - 1  # SQLite's INTEGER

ItemId = Annotated[int, Path(ge=1, le=LARGEST_ID, description="An HN or row id.")]


def read_filters(
    hashtag: Annotated[
        list[str], Query(description="Repeat for several; lowercase, no '#'.")
    ] = [],  # noqa: B006  (FastAPI reads list defaults per request)
    all_hashtags: Annotated[
        bool, Query(description="Keep projects with every hashtag, not any.")
    ] = False,
    idea_min: Annotated[int | None, Query(ge=1, le=10)] = None,
    idea_max: Annotated[int | None, Query(ge=1, le=10)] = None,
    complexity_min: Annotated[int | None, Query(ge=1, le=10)] = None,
    complexity_max: Annotated[int | None, Query(ge=1, le=10)] = None,
    month_from: Annotated[
        str | None, Query(pattern=MONTH, description="Thread month, YYYY-MM.")
    ] = None,
    month_to: Annotated[str | None, Query(pattern=MONTH)] = None,
    author: Annotated[str | None, Query(max_length=64)] = None,
    valid: Annotated[bool | None, Query(description="Valid or invalid only.")] = None,
    bookmarked: bool | None = None,
) -> ProjectFilters:
    """Read the project filters from the query string."""
    return ProjectFilters(
        hashtags=tuple(hashtag),
        match_all_hashtags=all_hashtags,
        idea_min=idea_min,
        idea_max=idea_max,
        complexity_min=complexity_min,
        complexity_max=complexity_max,
        month_from=parse_month(month_from, "month_from"),
        month_to=parse_month(month_to, "month_to"),
        author=author,
        is_valid=valid,
        is_bookmarked=bookmarked,
    )


FiltersDep = Annotated[ProjectFilters, Depends(read_filters)]
