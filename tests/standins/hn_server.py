"""A stand-in for both Hacker News APIs, replaying a recorded or made-up thread.

It serves Firebase (``/v0/item/{id}.json``) and Algolia (``/api/v1/items/{id}``,
``/api/v1/search_by_date``) from one store of items kept in Firebase's shape, so a
test can edit, delete or add a comment and see both APIs change together. Faults
are scripted per item id: a 500, a 429, a timeout, malformed JSON or ``null``,
once or every time, and a fixed latency on every request.
"""

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

FaultKind = Literal["500", "429", "timeout", "malformed", "null"]

SHARED_HN_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "hn"
RECORDED_TREE = SHARED_HN_DATA / "psychometrician_fathom" / "algolia_item_49220339.json"


@dataclass
class Faults:
    """What goes wrong, and how slow every answer is."""

    latency_seconds: float = 0.0
    once: dict[int, FaultKind] = field(default_factory=dict)
    always: dict[int, FaultKind] = field(default_factory=dict)
    is_algolia_down: bool = False
    timeout_seconds: float = 3.0

    def take(self, item_id: int) -> FaultKind | None:
        """Return the fault for this request of the item, using up a one-off one."""
        return self.always.get(item_id) or self.once.pop(item_id, None)


@dataclass
class HNArchive:
    """Every item the stand-in knows, in the Firebase shape, by id."""

    items: dict[int, dict[str, Any]]
    story_id: int

    @property
    def story(self) -> dict[str, Any]:
        """Return the thread's story item."""
        return self.items[self.story_id]

    def comment_ids(self) -> list[int]:
        """Return the ids of every comment, in no particular order."""
        return [item_id for item_id in self.items if item_id != self.story_id]

    def edit(self, item_id: int, text: str) -> None:
        """Change a comment's text, as its author editing it would."""
        self.items[item_id]["text"] = text

    def delete(self, item_id: int) -> None:
        """Delete a comment: HN keeps only its id, parent, time and type."""
        item = self.items[item_id]
        self.items[item_id] = {
            "deleted": True,
            "id": item_id,
            "parent": item["parent"],
            "time": item["time"],
            "type": "comment",
        }

    def kill(self, item_id: int) -> None:
        """Flag a comment dead: the API keeps its author but returns no text."""
        item = self.items[item_id]
        item.pop("text", None)
        item["dead"] = True

    def add_comment(self, item_id: int, parent_id: int, text: str) -> None:
        """Add a new comment under a parent, the newest of the thread."""
        newest = max(item.get("time", 0) for item in self.items.values())
        self.items[item_id] = {
            "by": f"maker{item_id}",
            "id": item_id,
            "parent": parent_id,
            "text": text,
            "time": newest + 60,
            "type": "comment",
        }
        self.items[parent_id].setdefault("kids", []).insert(0, item_id)
        self.story["descendants"] = len(self.items) - 1

    def algolia_tree(self, item_id: int) -> dict[str, Any]:
        """Return the item and its replies as Algolia nests them.

        Like Algolia, deleted and dead comments are left out, and children come
        oldest first rather than in HN's rank.
        """
        item = self.items[item_id]
        children = [
            self.items[kid]
            for kid in item.get("kids", [])
            if kid in self.items and _is_visible(self.items[kid])
        ]
        children.sort(key=lambda child: (child["time"], child["id"]))
        return {
            "author": item.get("by"),
            "children": [self.algolia_tree(child["id"]) for child in children],
            "created_at": _iso_time(item["time"]),
            "created_at_i": item["time"],
            "id": item_id,
            "options": [],
            "parent_id": item.get("parent"),
            "points": item.get("score"),
            "story_id": self.story_id,
            "text": item.get("text"),
            "title": item.get("title"),
            "type": item["type"],
            "url": item.get("url"),
        }

    def search_hit(self) -> dict[str, Any]:
        """Return the story as an Algolia search hit."""
        story = self.story
        return {
            "author": story.get("by"),
            "created_at": _iso_time(story["time"]),
            "created_at_i": story["time"],
            "num_comments": story.get("descendants"),
            "objectID": str(self.story_id),
            "points": story.get("score"),
            "story_id": self.story_id,
            "title": story["title"],
            "_tags": ["story", f"author_{story.get('by')}", "ask_hn"],
        }


def _is_visible(item: dict[str, Any]) -> bool:
    return not item.get("deleted") and not item.get("dead")


def _iso_time(unix_seconds: int) -> str:
    moment = datetime.fromtimestamp(unix_seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def archive_from_algolia(tree: dict[str, Any]) -> HNArchive:
    """Turn a recorded Algolia items tree into Firebase items."""
    items: dict[int, dict[str, Any]] = {}

    def visit(node: dict[str, Any]) -> None:
        item: dict[str, Any] = {
            "by": node["author"],
            "id": node["id"],
            "time": node["created_at_i"],
            "type": node["type"],
        }
        for source, target in (("parent_id", "parent"), ("text", "text")):
            if node.get(source) is not None:
                item[target] = node[source]
        if node["children"]:
            item["kids"] = [child["id"] for child in node["children"]]
        items[node["id"]] = item
        for child in node["children"]:
            visit(child)

    visit(tree)
    story = items[tree["id"]]
    story.update(title=tree["title"], score=tree["points"], descendants=len(items) - 1)
    return HNArchive(items, tree["id"])


def load_recorded_archive() -> HNArchive:
    """Return the recorded 335-comment thread from ``shared/``."""
    return archive_from_algolia(json.loads(RECORDED_TREE.read_text()))


def make_archive(
    story_id: int, top_level: int, replies_each: int = 1, started: int = 1_722_470_400
) -> HNArchive:
    """Make a thread of ``top_level`` comments, each with a chain of replies."""
    story: dict[str, Any] = {
        "by": "david927",
        "id": story_id,
        "kids": [],
        "score": 300,
        "text": "What are you working on?",
        "time": started,
        "title": "Ask HN: What are you working on? (August 2024)",
        "type": "story",
    }
    items = {story_id: story}
    next_id = story_id + 1
    for number in range(top_level):
        parent_id, top_id = story_id, next_id
        story["kids"].append(top_id)
        for depth in range(replies_each + 1):
            items[next_id] = _made_up_comment(
                next_id, parent_id, depth, number, started
            )
            if depth:
                items[parent_id]["kids"] = [next_id]
            parent_id, next_id = next_id, next_id + 1
    story["descendants"] = len(items) - 1
    return HNArchive(items, story_id)


def _made_up_comment(
    item_id: int, parent_id: int, depth: int, number: int, started: int
) -> dict[str, Any]:
    text = (
        f"I&#x27;m building project {number}: a tool for &quot;thing {number}&quot;."
        f'<p>See <a href="https:&#x2F;&#x2F;example.com&#x2F;{number}" '
        f'rel="nofollow">https:&#x2F;&#x2F;example.com&#x2F;{number}</a>'
        if depth == 0
        else f"Nice work on {number}! (reply {depth})"
    )
    return {
        "by": f"maker{item_id}",
        "id": item_id,
        "parent": parent_id,
        "text": text,
        "time": started + 60 * (item_id - parent_id) + number,
        "type": "comment",
    }


@dataclass
class HNStandin:
    """The stand-in's state: the archive, the faults, and what it was asked."""

    archive: HNArchive
    faults: Faults = field(default_factory=Faults)
    requests: Counter[str] = field(default_factory=Counter)
    other_search_hits: list[dict[str, Any]] = field(default_factory=list)


def create_hn_standin(standin: HNStandin) -> FastAPI:
    """Return an app answering like Firebase and Algolia for the stand-in's items."""
    app = FastAPI()

    async def faulty(item_id: int, body: Any) -> Response:
        await asyncio.sleep(standin.faults.latency_seconds)
        fault = standin.faults.take(item_id)
        if fault == "timeout":
            await asyncio.sleep(standin.faults.timeout_seconds)
        elif fault in ("500", "429"):
            return JSONResponse({"error": "scripted"}, status_code=int(fault))
        elif fault == "malformed":
            return Response('{"id": 1, "by": ', media_type="application/json")
        elif fault == "null":
            body = None
        return JSONResponse(body)

    @app.get("/v0/item/{item_id}.json")
    async def firebase_item(item_id: int) -> Response:
        standin.requests["firebase"] += 1
        return await faulty(item_id, standin.archive.items.get(item_id))

    @app.get("/api/v1/items/{item_id}")
    async def algolia_items(item_id: int) -> Response:
        standin.requests["algolia"] += 1
        if standin.faults.is_algolia_down:
            return JSONResponse({"error": "down"}, status_code=503)
        if item_id not in standin.archive.items:
            return JSONResponse({"error": "Not found"}, status_code=404)
        return await faulty(item_id, standin.archive.algolia_tree(item_id))

    @app.get("/api/v1/search_by_date")
    async def search_by_date(page: int = 0, hitsPerPage: int = 20) -> Response:  # noqa: N803
        standin.requests["search"] += 1
        hits = [standin.archive.search_hit(), *standin.other_search_hits]
        return JSONResponse(
            {"hits": hits if page == 0 else [], "nbHits": len(hits), "nbPages": 1,
             "page": page,
             "hitsPerPage": hitsPerPage}
        )  # fmt: skip

    return app
