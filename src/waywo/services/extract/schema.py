"""The JSON the LLM must answer with, bounded so that small models cannot loop."""

import json
import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from waywo.errors import UnusableAnswerError

SCHEMA_NAME = "waywo_projects"
MAX_PROJECTS = 10
NOT_A_TAG = re.compile(r"[^a-z0-9]+")

Url = Annotated[str, StringConstraints(max_length=500)]
Hashtag = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class ExtractedProject(BaseModel):
    """One project as the LLM describes it, or why the comment holds none."""

    model_config = ConfigDict(extra="forbid")

    is_valid_project: bool = Field(
        description="True for something the author builds or runs; false otherwise."
    )
    invalid_reason: str | None = Field(
        max_length=300, description="Why this is not a project; null when it is one."
    )
    title: str | None = Field(max_length=120, description="The project's name.")
    short_description: str | None = Field(max_length=120, description="5-10 words.")
    description: str | None = Field(
        max_length=800, description="1-3 sentences in your own words."
    )
    hashtags: list[Hashtag] = Field(max_length=5, description="3-5 lowercase tags.")
    urls: list[Url] = Field(max_length=10, description="The comment's own links.")
    idea_score: int | None = Field(ge=1, le=10)
    complexity_score: int | None = Field(ge=1, le=10)

    @field_validator("hashtags", mode="before")
    @classmethod
    def _normalize_hashtags(cls, value: Any) -> Any:
        """Accept '#Rust' or 'Self Hosted' as 'rust' and 'self-hosted'."""
        if not isinstance(value, list):
            return value
        tags = (NOT_A_TAG.sub("-", str(tag).lower()).strip("-") for tag in value)
        return list(dict.fromkeys(tag for tag in tags if tag))

    @model_validator(mode="after")
    def _check_completeness(self) -> "ExtractedProject":
        """A valid project needs every field; an invalid one needs its reason."""
        if not self.is_valid_project:
            if not (self.invalid_reason or "").strip():
                raise ValueError("an invalid project needs its invalid_reason")
            return self
        missing = [
            name
            for name in ("title", "short_description", "description")
            if not (getattr(self, name) or "").strip()
        ]
        missing += [
            name
            for name in ("idea_score", "complexity_score")
            if getattr(self, name) is None
        ]
        if missing:
            raise ValueError(f"a valid project needs {', '.join(missing)}")
        if not 3 <= len(self.hashtags) <= 5:
            raise ValueError("a valid project needs 3 to 5 hashtags")
        return self


class Extraction(BaseModel):
    """Every project one comment describes."""

    model_config = ConfigDict(extra="forbid")

    projects: list[ExtractedProject] = Field(min_length=1, max_length=MAX_PROJECTS)


EXTRACTION_SCHEMA: dict[str, Any] = Extraction.model_json_schema()


def parse_extraction(content: str) -> Extraction:
    """Read the LLM's answer, or raise ``UnusableAnswerError`` saying what is wrong."""
    try:
        data = json.loads(_without_code_fence(content))
    except ValueError as exc:
        raise UnusableAnswerError(f"the answer is not JSON ({exc})") from exc
    try:
        return Extraction.model_validate(data)
    except ValidationError as exc:
        raise UnusableAnswerError(
            f"the answer breaks the schema: {_summarize(exc)}"
        ) from exc


def _without_code_fence(content: str) -> str:
    """Some models wrap JSON in a Markdown fence even in JSON mode."""
    text = content.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[-1].rsplit("```", 1)[0]
    return text


def _summarize(exc: ValidationError, limit: int = 3) -> str:
    problems = [
        f"{'.'.join(map(str, error['loc'])) or 'answer'}: {error['msg']}"
        for error in exc.errors()[:limit]
    ]
    more = exc.error_count() - limit
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
