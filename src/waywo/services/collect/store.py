"""Write a fetched thread into SQLite: add, update and mark, never duplicate.

A comment whose text changed goes back to pending extraction; its projects stay
until a new extraction replaces them. Deleted and dead comments are marked, and
keep the text we had. Nothing is written for a comment that did not change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from waywo.clients.hn import HNItem
from waywo.services.collect.catalogue import thread_month
from waywo.services.collect.fetch import ThreadSnapshot
from waywo.storage.models import Comment, CommentState, Post, UnreachableItem, utc_now
from waywo.text import html_to_text


@dataclass
class StoreOutcome:
    """What a collection changed in the database."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    marked_deleted: int = 0
    marked_dead: int = 0
    skipped_orphans: int = 0
    unreachable: int = 0


def save_post(session: Session, story: HNItem, collected_at: datetime | None) -> Post:
    """Insert or refresh the thread's post from its HN story."""
    year, month = thread_month(story.title, story.time or 0)
    post = session.get(Post, story.id) or Post(id=story.id)
    post.title = story.title or ""
    post.author = story.author
    post.time = story.time or 0
    post.year, post.month = year, month
    post.score = story.score
    post.descendants = story.descendants
    post.text_html = story.text_html
    post.url = story.url
    if collected_at is not None:
        post.collected_at = collected_at
    session.add(post)
    return post


def store_snapshot(
    session: Session,
    snapshot: ThreadSnapshot,
    on_stored: Callable[[int], None] = lambda count: None,
) -> StoreOutcome:
    """Apply a thread snapshot to the database within the caller's transaction."""
    outcome = StoreOutcome()
    story = snapshot.story
    save_post(session, story, collected_at=utc_now())
    session.flush()

    ids = [item.id for item in snapshot.comments]
    stored = {
        c.id: c for c in session.scalars(select(Comment).where(Comment.id.in_(ids)))
    }
    known_ids = set(stored) | set(
        session.scalars(select(Comment.id).where(Comment.post_id == story.id))
    )
    for item in snapshot.comments:
        parent_id = None if item.parent_id == story.id else item.parent_id
        if parent_id is not None and parent_id not in known_ids:
            outcome.skipped_orphans += 1
            continue
        _apply(session, stored.get(item.id), item, story, parent_id, outcome)
        known_ids.add(item.id)
        on_stored(1)

    _record_unreachable(session, story.id, ids, snapshot.unreachable)
    outcome.unreachable = len(snapshot.unreachable)
    return outcome


def _apply(
    session: Session,
    comment: Comment | None,
    item: HNItem,
    story: HNItem,
    parent_id: int | None,
    outcome: StoreOutcome,
) -> None:
    if comment is None:
        session.add(_new_comment(item, story, parent_id))
        outcome.added += 1
    elif item.is_deleted:
        _mark(comment, "is_deleted", outcome, "marked_deleted")
    elif item.is_dead:
        _mark(comment, "is_dead", outcome, "marked_dead")
    elif _refresh(comment, item):
        outcome.updated += 1
    else:
        outcome.unchanged += 1


def _new_comment(item: HNItem, story: HNItem, parent_id: int | None) -> Comment:
    return Comment(
        id=item.id,
        post_id=story.id,
        parent_id=parent_id,
        author=item.author,
        time=item.time or story.time or 0,
        text_html=item.text_html,
        text_plain=html_to_text(item.text_html),
        is_deleted=item.is_deleted,
        is_dead=item.is_dead,
        state=CommentState.PENDING,
    )


def _mark(comment: Comment, flag: str, outcome: StoreOutcome, counter: str) -> None:
    if getattr(comment, flag):
        outcome.unchanged += 1
        return
    setattr(comment, flag, True)
    setattr(outcome, counter, getattr(outcome, counter) + 1)


def _refresh(comment: Comment, item: HNItem) -> bool:
    """Bring a live comment up to date; return whether anything changed.

    A deletion on HN is final, so a stale Algolia tree cannot undo it; a dead
    comment comes back only when Firebase itself says it lives (vouched).
    """
    is_changed = False
    if comment.is_dead and item.is_from_firebase:
        comment.is_dead = False
        is_changed = True
    if item.text_html is not None and item.text_html != comment.text_html:
        comment.text_html = item.text_html
        comment.text_plain = html_to_text(item.text_html)
        is_changed = True
        if comment.parent_id is None:
            comment.state = CommentState.PENDING
            comment.attempts = 0
            comment.error = None
    return is_changed


def _record_unreachable(
    session: Session, post_id: int, fetched_ids: list[int], failures: dict[int, str]
) -> None:
    """Remember failed items for the next run; forget the ones fetched this time."""
    session.execute(
        delete(UnreachableItem).where(
            UnreachableItem.post_id == post_id, UnreachableItem.id.in_(fetched_ids)
        )
    )
    for item_id, reason in failures.items():
        row = session.get(UnreachableItem, item_id)
        if row is None:
            session.add(UnreachableItem(id=item_id, post_id=post_id, reason=reason))
        else:
            row.reason, row.attempts = reason, row.attempts + 1
