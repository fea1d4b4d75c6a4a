"""Models of the comment routes and the extraction triggers."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from waywo.api.schemas.projects import ProjectPublic


class CommentPublic(BaseModel):
    """A stored HN comment, its HTML as HN sent it, and its extraction state."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    post_id: int
    parent_id: int | None
    author: str | None
    time: int
    text_html: str | None
    is_deleted: bool
    is_dead: bool
    state: str = Field(description="pending, processed or failed.")
    attempts: int
    error: str | None


class CommentPage(BaseModel):
    """One page of comments."""

    comments: list[CommentPublic]
    total: int = Field(description="Comments matching, over all pages.")
    offset: int
    limit: int


class ThreadBrief(BaseModel):
    """The thread a comment belongs to."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    year: int
    month: int


class CommentDetail(CommentPublic):
    """One comment with its plain text, what extracting it cost, and its projects."""

    text_plain: str | None = Field(exclude=True)
    llm_model: str | None
    llm_calls: int
    prompt_tokens: int | None
    completion_tokens: int | None
    llm_latency_ms: float | None
    processed_at: datetime | None
    post: ThreadBrief
    projects: list[ProjectPublic]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """The comment as plain text, as the LLM reads it."""
        return self.text_plain or ""


class ExtractRequest(BaseModel):
    """Which comments to extract: pending ones, up to a limit."""

    limit: int | None = Field(None, ge=1, description="All pending when omitted.")
    retry_failed: bool = Field(False, description="Include failed comments too.")


class RetryRequest(BaseModel):
    """How many failed comments to retry."""

    limit: int | None = Field(None, ge=1, description="All failed when omitted.")
