"""The Hacker News APIs: Firebase (one item a request) and Algolia (a whole tree).

Both shapes are turned into ``HNItem``. Requests run at most ``hn_concurrency`` at
a time, each with a timeout, and are retried with backoff on 429, 5xx, timeouts,
broken connections and malformed JSON.
"""

import asyncio
import logging
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from waywo.errors import NotFoundError, ServiceUnavailableError, describe_error
from waywo.settings import Settings
from waywo.urls import join_url, redact_url

logger = logging.getLogger(__name__)


class RetryableError(ServiceUnavailableError):
    """A failure worth trying again: 429, 5xx, timeout, broken JSON."""


@dataclass(frozen=True)
class HNItem:
    """An HN story or comment, whichever API it came from."""

    id: int
    type: str
    author: str | None = None
    time: int | None = None
    text_html: str | None = None
    parent_id: int | None = None
    kids: tuple[int, ...] = ()
    is_deleted: bool = False
    is_dead: bool = False
    is_from_firebase: bool = False  # Algolia carries no deleted or dead flags
    title: str | None = None
    score: int | None = None
    descendants: int | None = None
    url: str | None = None

    @classmethod
    def from_firebase(cls, data: dict[str, Any]) -> "HNItem":
        """Read a Firebase item, where absent fields are simply left out."""
        return cls(
            id=int(data["id"]),
            type=str(data.get("type", "comment")),
            author=data.get("by"),
            time=data.get("time"),
            text_html=data.get("text"),
            parent_id=data.get("parent"),
            kids=tuple(int(kid) for kid in data.get("kids") or ()),
            is_deleted=bool(data.get("deleted", False)),
            is_dead=bool(data.get("dead", False)),
            is_from_firebase=True,
            title=data.get("title"),
            score=data.get("score"),
            descendants=data.get("descendants"),
            url=data.get("url"),
        )


@dataclass(frozen=True)
class HNTree:
    """A story and every comment Algolia has of it, parents before children."""

    story: HNItem
    comments: list[HNItem] = field(default_factory=list)


def tree_from_algolia(root: dict[str, Any]) -> HNTree:
    """Flatten an Algolia items tree (breadth first, so parents come first)."""
    story = _item_from_algolia(root)
    comments: list[HNItem] = []
    level = list(root.get("children") or [])
    while level:
        comments.extend(_item_from_algolia(node) for node in level)
        level = [child for node in level for child in node.get("children") or []]
    return HNTree(story, comments)


def _item_from_algolia(node: dict[str, Any]) -> HNItem:
    children = node.get("children") or []
    return HNItem(
        id=int(node["id"]),
        type=str(node.get("type") or "comment"),
        author=node.get("author"),
        time=node.get("created_at_i"),
        text_html=node.get("text"),
        parent_id=node.get("parent_id"),
        kids=tuple(int(child["id"]) for child in children),
        title=node.get("title"),
        score=node.get("points"),
        url=node.get("url"),
    )


@dataclass(frozen=True)
class StoryHit:
    """A story found by the Algolia search API."""

    id: int
    title: str
    author: str | None
    time: int
    comment_count: int | None


class HackerNewsClient:
    """An async client of both HN APIs, used as ``async with``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Known limit: httpcore's pool slows down past ~16 busy connections
        # (encode/httpcore#1035), so the Firebase walk gains little above that.
        self._slots = asyncio.Semaphore(settings.hn_concurrency)
        self._http = httpx.AsyncClient(
            timeout=settings.hn_timeout,
            limits=httpx.Limits(max_connections=settings.hn_concurrency),
            headers={"User-Agent": "waywo (https://github.com/waywo)"},
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    async def item(self, item_id: int) -> HNItem | None:
        """Return one Firebase item, or None for an id HN does not know."""
        url = join_url(self.settings.hn_firebase_url, f"item/{item_id}.json")
        data = await self._get_json(url, log_level=logging.DEBUG)
        return HNItem.from_firebase(data) if isinstance(data, dict) else None

    async def tree(self, item_id: int) -> HNTree:
        """Return a story with all its comments from Algolia, in one request."""
        url = join_url(self.settings.hn_algolia_url, f"items/{item_id}")
        data = await self._get_json(url)
        if not isinstance(data, dict) or "id" not in data:
            raise ServiceUnavailableError(f"Algolia sent no tree for item {item_id}")
        return tree_from_algolia(data)

    async def search_stories(self, query: str, page: int) -> tuple[list[StoryHit], int]:
        """Return one page of Ask HN stories matching the query, and the page count."""
        search = join_url(self.settings.hn_algolia_url, "search_by_date")
        params = {"query": query, "tags": "story,ask_hn", "hitsPerPage": 100}
        data = await self._get_json(
            str(httpx.URL(search, params={**params, "page": page}))
        )
        hits = [
            StoryHit(
                id=int(hit["objectID"]),
                title=str(hit.get("title") or ""),
                author=hit.get("author"),
                time=int(hit.get("created_at_i") or 0),
                comment_count=hit.get("num_comments"),
            )
            for hit in data.get("hits", [])
        ]
        return hits, int(data.get("nbPages") or 0)

    async def _get_json(self, url: str, log_level: int = logging.INFO) -> Any:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.hn_attempts),
            wait=wait_random_exponential(multiplier=0.2, max=5.0),
            retry=retry_if_exception_type(RetryableError),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                async with self._slots:
                    return await self._get_json_once(url, log_level)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _get_json_once(self, url: str, log_level: int) -> Any:
        started = time.perf_counter()
        try:
            response = await self._http.get(url)
        except httpx.TimeoutException as exc:
            raise RetryableError(
                f"Timed out after {self.settings.hn_timeout:g} s"
            ) from exc
        except httpx.RequestError as exc:
            raise RetryableError(describe_error(exc)) from exc
        # One line per item would flood the log for a 600-comment thread, so
        # item fetches log at DEBUG and whole trees and searches at INFO.
        logger.log(
            log_level,
            "hn GET %s -> %d in %.0f ms",
            redact_url(url),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return self._parse(response)

    @staticmethod
    def _parse(response: httpx.Response) -> Any:
        status = response.status_code
        if status == 429 or status >= 500:
            raise RetryableError(f"HTTP {status} {response.reason_phrase}")
        if status == 404:
            raise NotFoundError(f"HN has no item at {redact_url(str(response.url))}")
        if response.is_error:
            raise ServiceUnavailableError(f"HTTP {status} {response.reason_phrase}")
        try:
            return response.json()
        except ValueError as exc:
            raise RetryableError("Malformed JSON from HN") from exc
