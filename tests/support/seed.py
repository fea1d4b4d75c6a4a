"""Known rows for tests: threads, comments and projects with exact counts."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine

from waywo.storage.database import session_scope
from waywo.storage.embeddings import to_blob
from waywo.storage.models import Comment, CommentState, Post, Project
from waywo.text import html_to_text

EMBEDDING_MODEL = "test-embedder"
EMBEDDING_DIM = 8


@dataclass(frozen=True)
class SeededCounts:
    """What ``seed_catalogue`` wrote."""

    posts_count: int = 3
    comments_count: int = 10
    replies_count: int = 2
    projects_count: int = 7
    valid_projects_count: int = 5
    invalid_projects_count: int = 2
    projects_with_embeddings: int = 4
    comments_pending_count: int = 6
    comments_processed_count: int = 3
    comments_failed_count: int = 1


def make_post(post_id: int, month: int) -> Post:
    """Return a thread of 2024 for that month."""
    return Post(
        id=post_id,
        title=f"Ask HN: What are you working on? (2024-{month:02d})",
        author="david927",
        time=1_704_067_200 + month * 2_592_000,
        year=2024,
        month=month,
        score=100 + month,
        descendants=300,
    )


def make_comment(
    comment_id: int,
    post_id: int,
    parent_id: int | None = None,
    state: CommentState = CommentState.PENDING,
) -> Comment:
    """Return a comment with a short HTML text."""
    return Comment(
        id=comment_id,
        post_id=post_id,
        parent_id=parent_id,
        author=f"maker{comment_id}",
        time=1_704_100_000 + comment_id,
        text_html=f"<p>Comment {comment_id} about my project</p>",
        text_plain=f"Comment {comment_id} about my project",
        state=state,
    )


def make_project(
    comment_id: int,
    title: str,
    vector: np.ndarray | None = None,
    is_valid: bool = True,
) -> Project:
    """Return a project; with a vector, it has an embedding of the test model."""
    return Project(
        comment_id=comment_id,
        is_valid=is_valid,
        invalid_reason=None if is_valid else "Not a project: a personal task",
        title=title,
        short_description=f"{title} in a few words",
        description=f"{title}, described in one sentence.",
        hashtags=["test", "seed", "waywo"],
        urls=[],
        idea_score=6 if is_valid else None,
        complexity_score=5 if is_valid else None,
        embedding=None if vector is None else to_blob(vector),
        embedding_model=None if vector is None else EMBEDDING_MODEL,
        embedding_dim=None if vector is None else len(vector),
    )


def seed_catalogue(engine: Engine, seed: int = 7) -> SeededCounts:
    """Write 3 posts, 10 top-level comments, 2 replies and 7 projects.

    Of the projects, 2 are invalid and 4 have embeddings; of the comments, 6 are
    pending, 3 processed and 1 failed.
    """
    random = np.random.default_rng(seed)
    states = [CommentState.PROCESSED] * 3 + [CommentState.FAILED]
    states += [CommentState.PENDING] * 6

    with session_scope(engine) as session:
        session.add_all(make_post(100 + month, month) for month in (1, 2, 3))
        session.flush()
        session.add_all(
            make_comment(1000 + n, 100 + (n % 3) + 1, state=states[n])
            for n in range(10)
        )
        session.flush()
        session.add_all([make_comment(2000, 101, 1000), make_comment(2001, 102, 1001)])
        session.add_all(
            make_project(1000 + n, f"Project {n}", random.normal(size=EMBEDDING_DIM))
            for n in range(4)
        )
        session.add(make_project(1004, "Project 4"))
        session.add_all(
            make_project(1005 + n, f"Chore {n}", is_valid=False) for n in range(2)
        )
    return SeededCounts()


def seed_comments(engine: Engine, texts: list[str], first_id: int = 5000) -> list[int]:
    """Write one thread and a pending top-level comment per HTML text; return ids."""
    ids = list(range(first_id, first_id + len(texts)))
    with session_scope(engine) as session:
        session.add(make_post(first_id, month=8))
        session.flush()
        for comment_id, text in zip(ids, texts, strict=True):
            comment = make_comment(comment_id, first_id)
            comment.text_html = text
            comment.text_plain = html_to_text(text)  # as collection stores it
            session.add(comment)
    return ids


@dataclass(frozen=True)
class ShowcaseProject:
    """A project of the search catalogue, with where and by whom it was posted."""

    title: str
    description: str
    hashtags: tuple[str, ...]
    idea: int
    complexity: int
    month: int
    author: str


SHOWCASE = (
    ShowcaseProject("Tidepool", "A mobile app showing tide charts and ocean "
                    "currents for sailors.", ("mobile", "ocean", "sailing"), 7, 4, 6,
                    "ana"),
    ShowcaseProject("Kiln", "Schedules kiln firings and glaze tests for small "
                    "pottery studios.", ("pottery", "scheduling", "saas"), 5, 3, 7,
                    "ben"),
    ShowcaseProject("Rustacean", "Explains Rust compiler errors in plain words "
                    "with suggested fixes.", ("rust", "compiler", "education"), 8, 7,
                    7, "cara"),
    ShowcaseProject("Vectorly", "A small vector database that keeps embeddings "
                    "inside SQLite files.", ("database", "sqlite", "search"), 7, 8, 8,
                    "dan"),
    ShowcaseProject("GardenBot", "An Arduino robot that waters a vegetable garden "
                    "by soil moisture.", ("hardware", "garden", "arduino"), 6, 6, 8,
                    "ana"),
)  # fmt: skip


def seed_showcase(
    engine: Engine, embed: Callable[[str], list[float]], model: str
) -> dict[str, int]:
    """Write the showcase projects (with ``embed``'s vectors) and one invalid one.

    Each project has its own top-level comment in the thread of its 2024 month;
    the invalid one (a cooking plan by 'eve', August) has no embedding. Returns
    the project ids by title, the invalid one as 'cooking'.
    """
    with session_scope(engine) as session:
        session.add_all(make_post(7000 + month, month) for month in (6, 7, 8))
        session.flush()
        projects = {}
        for number, item in enumerate(SHOWCASE):
            comment = make_comment(7100 + number, 7000 + item.month)
            comment.author = item.author
            comment.text_plain = f"I made {item.title}. {item.description}"
            comment.text_html = f"<p>{comment.text_plain}</p>"
            session.add(comment)
            session.flush()
            text = f"{item.title}. {item.description} " + " ".join(
                f"#{tag}" for tag in item.hashtags
            )
            projects[item.title] = Project(
                comment_id=comment.id, is_valid=True, title=item.title,
                short_description=f"{item.title} in brief",
                description=item.description, hashtags=list(item.hashtags),
                urls=[], idea_score=item.idea, complexity_score=item.complexity,
                embedding=to_blob(embed(text)), embedding_model=model,
                embedding_dim=len(embed(text)),
            )  # fmt: skip
        cooking = make_comment(7199, 7008)
        cooking.author = "eve"
        cooking.text_plain = "Learning to cook this month."
        cooking.text_html = cooking.text_plain
        session.add(cooking)
        session.flush()
        projects["cooking"] = Project(
            comment_id=7199, is_valid=False, invalid_reason="A personal goal.",
            hashtags=[], urls=[],
        )  # fmt: skip
        session.add_all(projects.values())
        session.flush()
        return {title: project.id for title, project in projects.items()}
