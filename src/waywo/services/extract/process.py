"""Extract one comment: claim it, ask the LLM once, embed, then write or record why not.

Steps, each of which can fail without leaving anything half-written:
1. claim the comment (a lease, so no other extraction takes it meanwhile);
2. one chat completion, asking for JSON that follows the schema, plus at most one
   corrective call when the answer is not JSON or breaks the schema;
3. one embeddings call (in batches) for the valid projects;
4. one transaction that replaces the comment's projects and marks it processed.
On a failure in 2 or 3 the comment stays pending with the error and one more
attempt counted, or becomes failed at the attempt limit.
"""

import logging
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any, Self

from sqlalchemy import Engine

from waywo.clients.llm import ChatAnswer, ChatClient
from waywo.clients.providers import Embedder, open_embedder
from waywo.errors import ServiceUnavailableError, UnusableAnswerError
from waywo.services.extract import store
from waywo.services.extract.prompt import build_messages, correction
from waywo.services.extract.schema import (
    EXTRACTION_SCHEMA,
    SCHEMA_NAME,
    ExtractedProject,
    Extraction,
    parse_extraction,
)
from waywo.services.extract.store import ClaimedComment, ProjectDraft, Usage
from waywo.settings import Settings
from waywo.storage.embeddings import to_blob
from waywo.storage.models import CommentState
from waywo.text import comment_links, embedding_text

logger = logging.getLogger(__name__)

GONE_REASON = "The comment was deleted or flagged dead on Hacker News."
EMPTY_REASON = "The comment has no text."


class Status(StrEnum):
    """How one extraction ended."""

    PROCESSED = "processed"
    PENDING = "pending"  # failed this time; worth another attempt
    FAILED = "failed"  # failed at the attempt limit
    SKIPPED = "skipped"  # nothing to do: processed or failed already
    BUSY = "busy"  # another extraction holds the comment


@dataclass(frozen=True)
class Outcome:
    """What extracting one comment did and cost."""

    comment_id: int
    status: Status
    projects: int = 0
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None
    busy_until: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the outcome as plain data, for task results and JSON."""
        return asdict(self)


class Extractor:
    """Extracts comments with one LLM and one embedder; safe to share by threads."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        chat: ChatClient,
        embedder: Embedder | None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.chat = chat
        self.embedder = embedder

    @classmethod
    def open(cls, settings: Settings, engine: Engine) -> Self:
        """Make the clients; refuse clearly when no LLM is configured."""
        return cls(settings, engine, ChatClient(settings), open_embedder(settings))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the clients' connections."""
        self.chat.close()
        if self.embedder:
            self.embedder.close()

    def extract(self, comment_id: int, force: bool = False) -> Outcome:
        """Extract one top-level comment; ``force`` redoes a processed one."""
        owner = store.new_owner()
        try:
            claimed = store.claim(
                self.engine,
                comment_id,
                owner,
                self.settings.extract_lease_seconds,
                force,
            )
        except store.ClaimRefused as refusal:
            status = Status.SKIPPED if refusal.is_done else Status.BUSY
            return Outcome(comment_id, status, busy_until=refusal.lease_expires_at)

        usage = Usage()
        try:
            drafts = self._draft_projects(claimed, usage)
        except (ServiceUnavailableError, UnusableAnswerError) as exc:
            return self._fail(claimed, exc.message, usage)
        except BaseException:
            store.release(self.engine, claimed)
            raise

        if not store.write_projects(self.engine, claimed, drafts, usage):
            logger.warning(
                "Comment %d changed while extracting; left pending", comment_id
            )
            return _outcome(
                comment_id, Status.PENDING, usage, error="changed meanwhile"
            )
        return _outcome(comment_id, Status.PROCESSED, usage, projects=len(drafts))

    def _fail(self, claimed: ClaimedComment, error: str, usage: Usage) -> Outcome:
        state = store.record_failure(
            self.engine, claimed, error, usage, self.settings.extract_max_attempts
        )
        logger.warning("Extracting comment %d failed: %s", claimed.id, error)
        status = Status.FAILED if state == CommentState.FAILED else Status.PENDING
        return _outcome(claimed.id, status, usage, error=error)

    def _draft_projects(
        self, claimed: ClaimedComment, usage: Usage
    ) -> list[ProjectDraft]:
        text = claimed.text_plain or ""  # derived once, when collected
        if claimed.is_gone or not text:
            return [_invalid_draft(GONE_REASON if claimed.is_gone else EMPTY_REASON)]

        extraction = self._ask(claimed, text, usage)
        links = comment_links(claimed.text_html)
        drafts = [_draft(project, links) for project in extraction.projects]
        return self._embed(drafts)

    def _ask(self, claimed: ClaimedComment, text: str, usage: Usage) -> Extraction:
        """One call; one corrective call if the answer cannot be used."""
        messages = build_messages(claimed.thread_title, claimed.author, text)
        answer = self._complete(messages, usage)
        try:
            return parse_extraction(answer.content)
        except UnusableAnswerError as exc:
            logger.info("Comment %d: asking again (%s)", claimed.id, exc.message)
            messages += correction(answer.content, exc.message)
        return parse_extraction(self._complete(messages, usage).content)

    def _complete(self, messages: list[dict[str, str]], usage: Usage) -> ChatAnswer:
        answer = self.chat.complete(messages, SCHEMA_NAME, EXTRACTION_SCHEMA)
        usage.model = answer.model
        usage.calls += answer.calls
        usage.prompt_tokens += answer.prompt_tokens
        usage.completion_tokens += answer.completion_tokens
        usage.latency_ms += answer.latency_ms
        return answer

    def _embed(self, drafts: list[ProjectDraft]) -> list[ProjectDraft]:
        """Add embeddings to the valid drafts, all in one go or not at all."""
        valid = [index for index, draft in enumerate(drafts) if draft.is_valid]
        if not valid or self.embedder is None:
            return drafts
        embeddings = self.embedder.embed(
            [
                embedding_text(
                    drafts[i].title, drafts[i].description, drafts[i].hashtags
                )
                for i in valid
            ]
        )
        embedded = list(drafts)
        for index, vector in zip(valid, embeddings.vectors, strict=True):
            embedded[index] = replace(
                drafts[index],
                embedding=to_blob(vector),
                embedding_model=embeddings.model,
                embedding_dim=embeddings.dimension,
            )
        return embedded


def _draft(project: ExtractedProject, links: list[str]) -> ProjectDraft:
    """Keep only URLs the comment links to: the LLM must not make any up."""
    known = {link.rstrip("/"): link for link in links}
    urls = [known[url.rstrip("/")] for url in project.urls if url.rstrip("/") in known]
    if not project.is_valid_project:
        return _invalid_draft(project.invalid_reason or "")
    return ProjectDraft(
        is_valid=True,
        invalid_reason=None,
        title=project.title,
        short_description=project.short_description,
        description=project.description,
        hashtags=project.hashtags,
        urls=list(dict.fromkeys(urls)),
        idea_score=project.idea_score,
        complexity_score=project.complexity_score,
    )


def _invalid_draft(reason: str) -> ProjectDraft:
    return ProjectDraft(
        is_valid=False,
        invalid_reason=reason,
        title=None,
        short_description=None,
        description=None,
        hashtags=[],
        urls=[],
        idea_score=None,
        complexity_score=None,
    )


def _outcome(
    comment_id: int,
    status: Status,
    usage: Usage,
    projects: int = 0,
    error: str | None = None,
) -> Outcome:
    return Outcome(
        comment_id,
        status,
        projects=projects,
        llm_calls=usage.calls,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        error=error,
    )
