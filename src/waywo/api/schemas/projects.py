"""Models of projects as the API shows them."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


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
