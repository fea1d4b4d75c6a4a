"""Models of the thread (post) routes and the collection trigger."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from waywo.api.schemas.comments import CommentPublic


class PostPublic(BaseModel):
    """A thread with what has been collected and extracted from it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    author: str | None
    time: int = Field(description="HN creation time, Unix seconds.")
    year: int
    month: int
    score: int | None
    descendants: int | None = Field(description="HN's own comment total.")
    url: str = Field(description="The thread on Hacker News.")
    collected_at: datetime | None
    comments_count: int = Field(description="Top-level comments stored.")
    replies_count: int
    projects_count: int


class PostDetail(PostPublic):
    """A thread with one page of its comments."""

    comments: list[CommentPublic]
    comments_total: int = Field(description="Comments matching, over all pages.")
    offset: int
    limit: int


class MonthFigures(BaseModel):
    """One month of the threads chart."""

    year: int
    month: int
    comments_stored: int
    hn_comments: int = Field(description="HN's total, replies included.")
    projects: int


class ThreadCreate(BaseModel):
    """A thread to add, by HN id or URL."""

    thread: str = Field(
        min_length=1,
        max_length=200,
        examples=["https://news.ycombinator.com/item?id=41342017"],
    )


class CollectRequest(BaseModel):
    """What to collect; everything known when ``threads`` is omitted."""

    threads: list[str] | None = Field(
        None, max_length=500, description="HN ids or URLs; all known if omitted."
    )
    limit_threads: int | None = Field(None, ge=1)
    limit_comments: int | None = Field(None, ge=1)
    discover: bool = Field(False, description="Look for new months first.")
