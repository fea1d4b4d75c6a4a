"""Extract many comments: choose them, run them a few at a time, report progress."""

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, func, select, update

from waywo.errors import WaywoError
from waywo.services.extract.process import Extractor, Outcome, Status
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, CommentState


@dataclass
class ExtractProgress:
    """How far a run is, and what it has cost so far."""

    total: int
    done: int = 0
    processed: int = 0
    failed: int = 0
    llm_calls: int = 0
    tokens: int = 0

    def add(self, outcome: Outcome) -> None:
        """Count one finished comment."""
        self.done += 1
        self.processed += outcome.status == Status.PROCESSED
        self.failed += outcome.status in (Status.PENDING, Status.FAILED)
        self.llm_calls += outcome.llm_calls
        self.tokens += outcome.prompt_tokens + outcome.completion_tokens

    def as_dict(self) -> dict[str, int]:
        """Return the progress as plain data."""
        return asdict(self)


def select_comments(
    engine: Engine,
    limit: int | None = None,
    states: Sequence[CommentState] = (CommentState.PENDING,),
) -> list[int]:
    """Return top-level comments in these states, oldest thread first."""
    query = (
        select(Comment.id)
        .where(Comment.parent_id.is_(None), Comment.state.in_(states))
        .order_by(Comment.post_id, Comment.time, Comment.id)
        .limit(limit)
    )
    with session_scope(engine) as session:
        return list(session.scalars(query))


def reset_failed(engine: Engine, comment_ids: list[int] | None = None) -> int:
    """Put failed comments back to pending with a fresh attempt count."""
    query = update(Comment).where(Comment.state == CommentState.FAILED)
    if comment_ids is not None:
        query = query.where(Comment.id.in_(comment_ids))
    with session_scope(engine) as session:
        result = session.execute(query.values(state=CommentState.PENDING, attempts=0))
        return int(result.rowcount)  # type: ignore[attr-defined]


def extract_comments(
    extractor: Extractor,
    comment_ids: list[int],
    concurrency: int,
    on_progress: Callable[[ExtractProgress], None] = lambda progress: None,
    force: bool = False,
) -> list[Outcome]:
    """Extract the comments, ``concurrency`` at a time, in this process."""
    progress = ExtractProgress(total=len(comment_ids))
    on_progress(progress)
    outcomes = []
    pool = ThreadPoolExecutor(concurrency, thread_name_prefix="extract")
    try:
        futures = {
            pool.submit(extractor.extract, cid, force): cid for cid in comment_ids
        }
        for future in as_completed(futures):
            outcomes.append(_outcome_of(future, futures[future]))
            progress.add(outcomes[-1])
            on_progress(progress)
    finally:
        # On Ctrl-C, comments not started are dropped; those in flight finish
        # and write all or nothing.
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


def _outcome_of(future: Future[Outcome], comment_id: int) -> Outcome:
    """Return a comment's outcome; an error of its own fails it, not the batch."""
    try:
        return future.result()
    except WaywoError as exc:
        return Outcome(comment_id, Status.FAILED, error=exc.message)


def count_states(engine: Engine, comment_ids: list[int]) -> dict[str, Any]:
    """Return how many of these comments are in each state, for a queued batch."""
    counts = dict.fromkeys(CommentState, 0)
    with session_scope(engine) as session:
        for state, count in session.execute(
            select(Comment.state, func.count())
            .where(Comment.id.in_(comment_ids))
            .group_by(Comment.state)
        ):
            counts[CommentState(state)] = count
    done = counts[CommentState.PROCESSED] + counts[CommentState.FAILED]
    return {"total": len(comment_ids), "done": done} | {
        str(state): count for state, count in counts.items()
    }
