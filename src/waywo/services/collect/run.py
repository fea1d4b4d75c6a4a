"""Collect threads one after another, reporting progress as they go."""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from waywo.clients.hn import HackerNewsClient, HNItem, StoryHit
from waywo.errors import InvalidInputError, NotFoundError, WaywoError
from waywo.services.collect.catalogue import (
    KNOWN_THREADS,
    is_waywo_title,
    names_its_month,
    parse_thread_reference,
    thread_month,
)
from waywo.services.collect.fetch import FetchPlan, fetch_thread
from waywo.services.collect.store import StoreOutcome, save_post, store_snapshot
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, Post, UnreachableItem

logger = logging.getLogger(__name__)

DISCOVERY_QUERY = "What are you working on"
DISCOVERY_MAX_PAGES = 5


@dataclass
class CollectProgress:
    """How far a collection is: threads and comments done of their totals."""

    threads_total: int
    threads_done: int = 0
    items_fetched: int = 0
    comments_total: int = 0
    comments_done: int = 0
    current_thread: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        """Return the progress as plain data, for task status and JSON."""
        return asdict(self)


@dataclass
class ThreadOutcome:
    """How collecting one thread ended: ``error`` is None on success."""

    thread_id: int
    title: str | None = None
    stored: StoreOutcome | None = None
    unreachable: dict[int, str] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the outcome as plain data, for task results and JSON."""
        stored = self.stored or StoreOutcome()
        return {
            "thread_id": self.thread_id,
            "title": self.title,
            **asdict(stored),
            "unreachable_items": [
                {"id": item_id, "reason": reason}
                for item_id, reason in sorted(self.unreachable.items())
            ],
            "error": self.error,
        }


ProgressCallback = Callable[[CollectProgress], None]


def list_thread_ids(engine: Engine, limit: int | None = None) -> list[int]:
    """Return the known and stored threads, newest month first."""
    months = {thread.item_id: (thread.year, thread.month) for thread in KNOWN_THREADS}
    with session_scope(engine) as session:
        for post_id, year, month in session.execute(
            select(Post.id, Post.year, Post.month)
        ):
            months[post_id] = (year, month)
    ordered = sorted(
        months, key=lambda item_id: (months[item_id], item_id), reverse=True
    )
    return ordered[:limit]


def collect_threads(
    settings: Settings,
    engine: Engine,
    thread_ids: list[int],
    limit_comments: int | None = None,
    on_progress: ProgressCallback = lambda progress: None,
) -> list[ThreadOutcome]:
    """Fetch and store each thread; a failing thread is reported, not fatal."""
    return asyncio.run(
        _collect(settings, engine, thread_ids, limit_comments, on_progress)
    )


async def _collect(
    settings: Settings,
    engine: Engine,
    thread_ids: list[int],
    limit_comments: int | None,
    on_progress: ProgressCallback,
) -> list[ThreadOutcome]:
    progress = CollectProgress(threads_total=len(thread_ids))
    outcomes = []
    async with HackerNewsClient(settings) as client:
        for thread_id in thread_ids:
            progress.current_thread = thread_id
            on_progress(progress)
            outcome = await _collect_one(
                client, settings, engine, thread_id, limit_comments, progress,
                on_progress,
            )  # fmt: skip
            outcomes.append(outcome)
            progress.threads_done += 1
            on_progress(progress)
    return outcomes


async def _collect_one(
    client: HackerNewsClient,
    settings: Settings,
    engine: Engine,
    thread_id: int,
    limit_comments: int | None,
    progress: CollectProgress,
    on_progress: ProgressCallback,
) -> ThreadOutcome:
    def count_fetched(count: int) -> None:
        progress.items_fetched += count
        on_progress(progress)

    def count_stored(count: int) -> None:
        progress.comments_done += count
        on_progress(progress)

    try:
        plan = _plan(settings, engine, thread_id, limit_comments)
        snapshot = await fetch_thread(client, thread_id, plan, count_fetched)
        progress.comments_total += len(snapshot.comments)
        with session_scope(engine) as session:
            stored = store_snapshot(session, snapshot, on_stored=count_stored)
    except WaywoError as exc:
        logger.error("Collecting thread %d failed: %s", thread_id, exc.message)
        return ThreadOutcome(thread_id, error=exc.message)

    logger.info(
        "Collected thread %d: %d added, %d updated, %d unreachable",
        thread_id, stored.added, stored.updated, stored.unreachable,
    )  # fmt: skip
    return ThreadOutcome(thread_id, snapshot.story.title, stored, snapshot.unreachable)


def _plan(
    settings: Settings, engine: Engine, thread_id: int, limit_comments: int | None
) -> FetchPlan:
    """Ask Firebase about stored comments Algolia may lack, and last run's failures."""
    with session_scope(engine) as session:
        known = session.scalars(
            select(Comment.id).where(
                Comment.post_id == thread_id, Comment.is_deleted.is_(False)
            )
        )
        retry = session.scalars(
            select(UnreachableItem.id).where(UnreachableItem.post_id == thread_id)
        )
        return FetchPlan(
            known_ids=frozenset(known) if limit_comments is None else frozenset(),
            retry_ids=frozenset(retry),
            limit_comments=limit_comments,
            use_algolia=settings.hn_source == "algolia",
        )


def add_thread(settings: Settings, engine: Engine, reference: str | int) -> Post:
    """Store the thread an HN id or URL names; refuse anything but a story."""
    thread_id = parse_thread_reference(reference)
    story = asyncio.run(_fetch_item(settings, thread_id))
    if story is None:
        raise NotFoundError(f"HN has no item {thread_id}")
    if story.type != "story":
        raise InvalidInputError(
            f"Item {thread_id} is a {story.type}, not a story: give the id of a thread"
        )
    with session_scope(engine) as session:
        return save_post(session, story, collected_at=None)


async def _fetch_item(settings: Settings, item_id: int) -> HNItem | None:
    async with HackerNewsClient(settings) as client:
        return await client.item(item_id)


def discover_threads(settings: Settings, engine: Engine) -> list[Post]:
    """Find monthly threads on Algolia that we do not know yet; store them.

    Only titles naming their month count, and a month already known is not
    added twice (HN sometimes has a second post for a month).
    """
    hits = asyncio.run(_search_threads(settings))
    known = {thread.item_id for thread in KNOWN_THREADS}
    months = {(thread.year, thread.month) for thread in KNOWN_THREADS}
    with session_scope(engine) as session:
        for post in session.execute(select(Post.id, Post.year, Post.month)):
            known.add(post.id)
            months.add((post.year, post.month))
        new_posts = []
        for hit in sorted(hits, key=lambda hit: hit.time):
            hit_month = thread_month(hit.title, hit.time)
            is_new = hit.id not in known and hit_month not in months
            if is_new and is_waywo_title(hit.title) and names_its_month(hit.title):
                new_posts.append(save_post(session, _story_of(hit), collected_at=None))
                months.add(hit_month)
    logger.info("Discovery found %d new threads", len(new_posts))
    return new_posts


def discover_if_possible(
    settings: Settings, engine: Engine
) -> tuple[list[Post], str | None]:
    """Discover new months; a failing search is reported, and collection goes on."""
    try:
        return discover_threads(settings, engine), None
    except WaywoError as exc:
        logger.warning("Discovery failed, known threads only: %s", exc.message)
        return [], exc.message


async def _search_threads(settings: Settings) -> list[StoryHit]:
    hits: dict[int, StoryHit] = {}
    async with HackerNewsClient(settings) as client:
        page, page_count = 0, 1
        while page < min(page_count, DISCOVERY_MAX_PAGES):
            found, page_count = await client.search_stories(DISCOVERY_QUERY, page)
            hits |= {hit.id: hit for hit in found}
            page += 1
    return list(hits.values())


def _story_of(hit: StoryHit) -> HNItem:
    return HNItem(
        id=hit.id,
        type="story",
        author=hit.author,
        time=hit.time,
        title=hit.title,
        descendants=hit.comment_count,
    )
