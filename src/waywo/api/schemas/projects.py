"""Models of projects as the API shows them."""

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from waywo.storage.models import Project


class ProjectPublic(BaseModel):
    """A project the LLM found in a comment, valid or not."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    comment_id: int
    is_valid: bool
    invalid_reason: str | None
    title: str | None
    short_description: str | None
    description: str | None
    hashtags: list[str]
    urls: list[str]
    idea_score: int | None = Field(description="1-10.")
    complexity_score: int | None = Field(description="1-10.")
    is_bookmarked: bool
    embedding_model: str | None
    embedding_dim: int | None
    created_at: datetime
    updated_at: datetime


class ThreadOfProject(BaseModel):
    """The thread a project was posted in."""

    id: int
    year: int
    month: int


class ProjectCard(ProjectPublic):
    """A project with who posted it, where, and the link to the HN comment."""

    author: str | None
    comment_url: str
    thread: ThreadOfProject

    @classmethod
    def of(cls, project: Project, **extra: Any) -> Self:
        """Return the card of a project loaded with its comment and thread."""
        comment, post = project.comment, project.comment.post
        return cls.model_validate(
            {
                **ProjectPublic.model_validate(project).model_dump(),
                "author": comment.author,
                "comment_url": f"https://news.ycombinator.com/item?id={comment.id}",
                "thread": {"id": post.id, "year": post.year, "month": post.month},
                **extra,
            }
        )


class ProjectDetail(ProjectCard):
    """A project with its source comment as HTML and plain text."""

    comment_html: str | None
    comment_text: str
    thread_title: str

    @classmethod
    def of_project(cls, project: Project) -> Self:
        """Return the detail of a project loaded with its comment and thread."""
        comment = project.comment
        return cls.of(
            project,
            comment_html=comment.text_html,
            comment_text=comment.text_plain or "",
            thread_title=comment.post.title,
        )


class ProjectPage(BaseModel):
    """One page of projects."""

    projects: list[ProjectCard]
    total: int = Field(description="Projects passing the filters, over all pages.")
    offset: int
    limit: int


class SearchHitPublic(BaseModel):
    """A project found by a search, with the scores that placed it."""

    project: ProjectCard
    similarity: float | None = Field(description="True cosine to the query.")
    keyword_score: float | None = Field(description="FTS5 bm25; lower is better.")
    rerank_score: float | None


class SearchResponse(BaseModel):
    """One page of search results and how they were found."""

    query: str
    mode: str = Field(description="The mode asked for.")
    mode_used: str = Field(description="keyword when the embedder was unavailable.")
    reranker: str | None = Field(description="What reranked the top, if anything.")
    notes: list[str] = Field(description="Fallbacks taken, in words.")
    total: int
    offset: int
    limit: int
    results: list[SearchHitPublic]


class SimilarProject(BaseModel):
    """A project near another one."""

    project: ProjectCard
    similarity: float


class HashtagCount(BaseModel):
    """How many projects carry a hashtag."""

    hashtag: str
    count: int


class BookmarkChange(BaseModel):
    """Set the bookmark, or toggle it when ``is_bookmarked`` is omitted."""

    is_bookmarked: bool | None = None


class BookmarkState(BaseModel):
    """A project's bookmark after the change."""

    id: int
    is_bookmarked: bool
