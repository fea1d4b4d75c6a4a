"""Fetch one thread: its story and every comment, by the fastest faithful path.

The Algolia items endpoint returns a whole tree in one request, but it leaves out
deleted and dead comments and may lag behind HN. So the Firebase story is fetched
beside it, and every comment Algolia lacks (ranked top-level ids, comments stored
before, items that failed last time) is asked of Firebase one by one, with its
replies. When Algolia fails, or ``hn_source`` is ``firebase``, the whole thread is
walked through Firebase.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from waywo.clients.hn import HackerNewsClient, HNItem, HNTree
from waywo.errors import InvalidInputError, NotFoundError, WaywoError

logger = logging.getLogger(__name__)

ItemsCallback = Callable[[int], None]


@dataclass
class ThreadSnapshot:
    """What HN says of a thread now; ``unreachable`` maps item ids to the reason."""

    story: HNItem
    comments: list[HNItem] = field(default_factory=list)
    unreachable: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FetchPlan:
    """What to fetch beyond the tree: ids stored before and ids that failed."""

    known_ids: frozenset[int] = frozenset()
    retry_ids: frozenset[int] = frozenset()
    limit_comments: int | None = None
    use_algolia: bool = True


async def fetch_thread(
    client: HackerNewsClient,
    thread_id: int,
    plan: FetchPlan,
    on_items: ItemsCallback = lambda count: None,
) -> ThreadSnapshot:
    """Return the thread's story and comments, parents before their replies."""
    story, tree = await _fetch_story_and_tree(client, thread_id, plan.use_algolia)
    if story.type != "story":
        raise InvalidInputError(f"Item {thread_id} is a {story.type}, not a story")

    comments = {comment.id: comment for comment in tree.comments} if tree else {}
    on_items(len(comments))
    wanted = set(story.kids) | plan.known_ids | plan.retry_ids
    fetched, unreachable = await _fetch_items(
        client, wanted - comments.keys(), comments.keys(), on_items
    )
    comments |= fetched

    ranked = _rank_top_level(story, comments.values())
    kept = _keep_first_threads(story.id, ranked, comments, plan.limit_comments)
    return ThreadSnapshot(story, _parents_first(story.id, kept), unreachable)


async def _fetch_story_and_tree(
    client: HackerNewsClient, thread_id: int, use_algolia: bool
) -> tuple[HNItem, HNTree | None]:
    """Fetch the Firebase story and (unless told not to) the Algolia tree at once."""
    tree_request = client.tree(thread_id) if use_algolia else _no_tree()
    story, tree = await asyncio.gather(
        client.item(thread_id), tree_request, return_exceptions=True
    )

    if isinstance(tree, BaseException):
        if not isinstance(tree, WaywoError):
            raise tree
        logger.warning(
            "Algolia tree of %d failed (%s); using Firebase", thread_id, tree
        )
        tree = None
    if isinstance(story, BaseException):
        if tree is None or not isinstance(story, WaywoError):
            raise story
        story = tree.story  # Firebase failed; Algolia's story will do
    if story is None:
        raise NotFoundError(f"HN has no item {thread_id}")
    return story, tree


async def _no_tree() -> None:
    return None


async def _fetch_items(
    client: HackerNewsClient,
    ids: set[int],
    have: Iterable[int],
    on_items: ItemsCallback,
) -> tuple[dict[int, HNItem], dict[int, str]]:
    """Fetch items and every reply below them that is not in ``have``.

    Each reply is asked for as soon as its parent arrives, not level by level,
    so the client's concurrency bound stays busy through the whole walk.
    """
    seen = set(have) | ids
    fetched: dict[int, HNItem] = {}
    unreachable: dict[int, str] = {}

    async def visit(item_id: int, group: asyncio.TaskGroup) -> None:
        try:
            item = await client.item(item_id)
        except WaywoError as exc:
            unreachable[item_id] = exc.message
            return
        finally:
            on_items(1)
        if item is None:
            unreachable[item_id] = "HN answered null for this item"
            return
        fetched[item_id] = item
        for kid in item.kids:
            if kid not in seen:
                seen.add(kid)
                group.create_task(visit(kid, group))

    async with asyncio.TaskGroup() as group:
        for item_id in sorted(ids):
            group.create_task(visit(item_id, group))
    return fetched, unreachable


def _rank_top_level(story: HNItem, comments: Iterable[HNItem]) -> list[int]:
    """Return top-level ids in HN's rank, then any the story does not list, by time."""
    top_level = {c.id: c for c in comments if c.parent_id == story.id}
    ranked = [item_id for item_id in story.kids if item_id in top_level]
    unlisted = sorted(
        (c for item_id, c in top_level.items() if item_id not in set(ranked)),
        key=lambda c: (c.time or 0, c.id),
    )
    return ranked + [c.id for c in unlisted]


def _keep_first_threads(
    story_id: int,
    ranked_top_level: list[int],
    comments: dict[int, HNItem],
    limit: int | None,
) -> dict[int, HNItem]:
    """Keep the first ``limit`` top-level comments with their replies (all if None)."""
    if limit is None:
        return comments
    kept_roots = set(ranked_top_level[:limit])
    return {
        item_id: comment
        for item_id, comment in comments.items()
        if _root_of(comment, comments, story_id) in kept_roots
    }


def _root_of(comment: HNItem, comments: dict[int, HNItem], story_id: int) -> int:
    while comment.parent_id != story_id and comment.parent_id in comments:
        comment = comments[comment.parent_id]
    return comment.id


def _parents_first(story_id: int, comments: dict[int, HNItem]) -> list[HNItem]:
    """Order comments by depth, so a reply always comes after its parent."""

    def depth(comment: HNItem) -> int:
        steps = 0
        while comment.parent_id != story_id and comment.parent_id in comments:
            comment = comments[comment.parent_id]
            steps += 1
        return steps

    return sorted(comments.values(), key=lambda c: (depth(c), c.time or 0, c.id))
