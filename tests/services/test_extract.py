"""Extracting comments through the OpenAI-compatible stand-in into real SQLite."""

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, select

from tests.standins.openai_server import (
    ChatScript,
    EmbeddingScript,
    hashed_embedding,
    project,
    style_of,
)
from tests.support.loopback import closed_port
from tests.support.seed import seed_comments
from waywo.errors import InvalidInputError, NotFoundError, ServiceUnavailableError
from waywo.services.extract.process import Extractor, Status
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.embeddings import from_blob
from waywo.storage.models import Comment, CommentState, Project

TWO_PROJECTS = (
    "I&#x27;m building <b>Tidepool</b>, a tide chart app, and "
    '<a href="https:&#x2F;&#x2F;kiln.dev" rel="nofollow">Kiln</a>, a pottery planner.'
)
COOKING = "Mostly learning to cook for my family this month."


@pytest.fixture
def extractor(ai_settings: Settings, engine: Engine) -> Iterator[Extractor]:
    """Yield an extractor on the stand-in, closed after the test."""
    extractor = Extractor.open(ai_settings, engine)
    yield extractor
    extractor.close()


def projects_of(engine: Engine, comment_id: int) -> list[Project]:
    """Return a comment's projects in id order."""
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(Project)
                .where(Project.comment_id == comment_id)
                .order_by(Project.id)
            )
        )


def comment_row(engine: Engine, comment_id: int) -> Comment:
    """Return the stored comment."""
    with session_scope(engine) as session:
        return session.get_one(Comment, comment_id)


def test_a_comment_with_two_projects_yields_two_embedded_projects(
    extractor: Extractor, engine: Engine, chat_script: ChatScript
) -> None:
    """One call, two rows, each with the comment's own link and a stored vector."""
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])
    chat_script.answers["Tidepool"] = {
        "projects": [
            project("Tidepool", hashtags=["#Mobile", "Tides", "ocean"]),
            project("Kiln", ["https://kiln.dev", "https://made-up.example"]),
        ]
    }

    outcome = extractor.extract(comment_id)

    tidepool, kiln = projects_of(engine, comment_id)
    row = comment_row(engine, comment_id)
    assert outcome.status == Status.PROCESSED and outcome.projects == 2
    assert (tidepool.title, kiln.title) == ("Tidepool", "Kiln")
    assert tidepool.hashtags == ["mobile", "tides", "ocean"]
    assert kiln.urls == ["https://kiln.dev"]
    assert kiln.embedding_model == "standin-embedder" and kiln.embedding_dim == 64
    assert kiln.embedding is not None
    assert np.allclose(
        from_blob(kiln.embedding),
        hashed_embedding(embedding_text_of(kiln), 64),
        atol=1e-6,
    )
    assert (row.state, row.attempts, row.error) == (CommentState.PROCESSED, 0, None)
    assert (row.llm_calls, row.llm_model) == (1, "standin-llm")
    assert row.prompt_tokens and row.completion_tokens and row.llm_latency_ms
    assert len(chat_script.requests) == 1


def embedding_text_of(row: Project) -> str:
    """Return the text the project's vector was made from."""
    return f"{row.title}. {row.description} " + " ".join(
        f"#{tag}" for tag in row.hashtags
    )


def test_a_cooking_comment_yields_one_invalid_project_with_its_reason(
    extractor: Extractor, engine: Engine, embedding_script: EmbeddingScript
) -> None:
    """Invalid projects are stored, with no invented title, score or vector."""
    [comment_id] = seed_comments(engine, [COOKING])

    extractor.extract(comment_id)

    [stored] = projects_of(engine, comment_id)
    assert stored.is_valid is False
    assert stored.invalid_reason == "A personal goal, not a project."
    assert (stored.title, stored.idea_score, stored.embedding) == (None, None, None)
    assert embedding_script.requests == []


def test_reprocessing_writes_the_same_rows_without_duplicates(
    extractor: Extractor, engine: Engine, chat_script: ChatScript
) -> None:
    """A processed comment is skipped; forced, its projects are replaced."""
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])
    chat_script.answers["Tidepool"] = {
        "projects": [project("Tidepool"), project("Kiln")]
    }
    extractor.extract(comment_id)
    first = [
        (p.title, p.description, p.embedding) for p in projects_of(engine, comment_id)
    ]

    skipped = extractor.extract(comment_id)
    forced = extractor.extract(comment_id, force=True)

    again = [
        (p.title, p.description, p.embedding) for p in projects_of(engine, comment_id)
    ]
    assert skipped.status == Status.SKIPPED and skipped.llm_calls == 0
    assert forced.status == Status.PROCESSED
    assert again == first and len(again) == 2


@pytest.mark.parametrize("fault", ["500", "timeout", "not_json", "breaks_schema"])
def test_each_llm_fault_writes_nothing_and_a_later_success_stores_projects(
    extractor: Extractor, engine: Engine, chat_script: ChatScript, fault: str
) -> None:
    """The comment stays pending with the error; the next try succeeds."""
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])
    repeats = 2 if fault in ("not_json", "breaks_schema") else 1  # one correction
    chat_script.faults["Tidepool"] = [fault] * repeats  # type: ignore[list-item]
    chat_script.timeout_seconds = 2.0

    failed = extractor.extract(comment_id)
    row = comment_row(engine, comment_id)
    recovered = extractor.extract(comment_id)

    assert failed.status == Status.PENDING
    assert (row.state, row.attempts) == (CommentState.PENDING, 1)
    assert row.error == failed.error and failed.error
    assert row.lease_owner is None
    assert recovered.status == Status.PROCESSED
    assert [p.title for p in projects_of(engine, comment_id)] == [
        "I'm building Tidepool,"
    ]


def test_llm_errors_say_what_happened(
    extractor: Extractor, engine: Engine, chat_script: ChatScript
) -> None:
    """Each failure is recorded in words an operator understands."""
    texts = ["Alpha tool", "Bravo tool", "Charlie tool"]
    ids = seed_comments(engine, texts)
    chat_script.faults = {"Alpha": ["500"], "Bravo": ["not_json"] * 2,
                          "Charlie": ["breaks_schema"] * 2}  # fmt: skip

    errors = [extractor.extract(comment_id).error for comment_id in ids]

    assert errors[0] == "LLM answered HTTP 500 Internal Server Error"
    assert errors[1] is not None and errors[1].startswith("the answer is not JSON")
    assert errors[2] is not None and "idea_score" in errors[2]
    assert "less than or equal to 10" in errors[2]


def test_one_corrective_call_fixes_an_unusable_answer(
    extractor: Extractor, engine: Engine, chat_script: ChatScript
) -> None:
    """The second call sees the first answer and what was wrong with it."""
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])
    chat_script.faults["Tidepool"] = ["breaks_schema"]

    outcome = extractor.extract(comment_id)

    correction = chat_script.requests[1]["messages"][-1]["content"]
    assert outcome.status == Status.PROCESSED and outcome.llm_calls == 2
    assert "idea_score" in correction and "Answer again" in correction
    assert comment_row(engine, comment_id).llm_calls == 2


def test_an_unreachable_llm_leaves_the_comment_pending(
    ai_settings: Settings, engine: Engine
) -> None:
    """Connection refused is an error on the comment, not a crash."""
    refused = ai_settings.model_copy(
        update={"llm_url": f"http://127.0.0.1:{closed_port()}/v1"}
    )
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])

    with Extractor.open(refused, engine) as extractor:
        outcome = extractor.extract(comment_id)

    assert outcome.status == Status.PENDING
    assert outcome.error == "llm unreachable: Connection refused"
    assert projects_of(engine, comment_id) == []


def test_an_embedder_failure_writes_no_project(
    extractor: Extractor, engine: Engine, embedding_script: EmbeddingScript
) -> None:
    """Projects are written with their vectors or not at all."""
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])
    embedding_script.faults = ["500"]

    failed = extractor.extract(comment_id)
    recovered = extractor.extract(comment_id)

    assert failed.error == "embedder answered HTTP 500 Internal Server Error"
    assert recovered.status == Status.PROCESSED
    assert all(p.embedding is not None for p in projects_of(engine, comment_id))


def test_a_comment_fails_at_the_attempt_limit_and_keeps_old_projects(
    extractor: Extractor, engine: Engine, chat_script: ChatScript
) -> None:
    """After N attempts the comment is failed; projects from before stay."""
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])
    extractor.extract(comment_id)
    chat_script.faults["Tidepool"] = ["500"] * 3

    outcomes = [extractor.extract(comment_id, force=True) for _ in range(3)]

    row = comment_row(engine, comment_id)
    assert [o.status for o in outcomes] == [Status.PENDING] * 2 + [Status.FAILED]
    assert (row.state, row.attempts) == (CommentState.FAILED, 3)
    assert len(projects_of(engine, comment_id)) == 1
    assert extractor.extract(comment_id).status == Status.SKIPPED


@pytest.mark.parametrize(
    ("accepted", "refusal", "expected"),
    [
        ("json_schema", 400, ["json_schema", "json_schema"]),
        ("json_object_schema", 500,
         ["json_schema", "json_object_schema", "json_object_schema"]),
        ("json_object", 422,
         ["json_schema", "json_object_schema", "json_object", "json_object"]),
    ],
)  # fmt: skip
def test_auto_finds_the_one_style_a_server_takes_and_keeps_it(
    ai_settings: Settings,
    engine: Engine,
    chat_script: ChatScript,
    accepted: str,
    refusal: int,
    expected: list[str],
) -> None:
    """Each stand-in takes one style (llama.cpp answers 500 to the others)."""
    ids = seed_comments(engine, ["First tool", "Second tool"])
    chat_script.accepted_styles = frozenset({accepted})
    chat_script.refusal_status = refusal
    auto = ai_settings.model_copy(update={"llm_structured_output": "auto"})

    with Extractor.open(auto, engine) as extractor:
        outcomes = [extractor.extract(comment_id) for comment_id in ids]

    assert [o.status for o in outcomes] == [Status.PROCESSED] * 2
    assert [style_of(r) for r in chat_script.requests] == expected


def test_the_ollama_style_sends_the_schema_as_format(
    ai_settings: Settings, engine: Engine, chat_script: ChatScript
) -> None:
    """Configured for Ollama, the schema goes in 'format' and nothing else."""
    [comment_id] = seed_comments(engine, ["A tool"])
    chat_script.accepted_styles = frozenset({"ollama"})
    settings = ai_settings.model_copy(update={"llm_structured_output": "ollama"})

    with Extractor.open(settings, engine) as extractor:
        outcome = extractor.extract(comment_id)

    [request] = chat_script.requests
    assert outcome.status == Status.PROCESSED
    assert request["format"]["properties"]["projects"]["maxItems"] == 10
    assert "response_format" not in request


def test_deleted_comments_are_invalid_without_an_llm_call(
    extractor: Extractor, engine: Engine, chat_script: ChatScript
) -> None:
    """A deleted comment says nothing about a project; the LLM is not asked."""
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])
    with session_scope(engine) as session:
        session.get_one(Comment, comment_id).is_deleted = True

    extractor.extract(comment_id)

    [stored] = projects_of(engine, comment_id)
    assert stored.is_valid is False and "deleted" in (stored.invalid_reason or "")
    assert chat_script.requests == []


def test_replies_unknown_ids_and_a_missing_llm_are_refused(
    extractor: Extractor, engine: Engine, settings: Settings
) -> None:
    """Clear errors for what cannot be extracted at all."""
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])
    with session_scope(engine) as session:
        reply = Comment(id=9, post_id=5000, parent_id=comment_id, time=1, author="x")
        session.add(reply)

    with pytest.raises(InvalidInputError, match="is a reply"):
        extractor.extract(9)
    with pytest.raises(NotFoundError, match="No comment 123"):
        extractor.extract(123)
    with pytest.raises(ServiceUnavailableError, match="set WAYWO_LLM_URL"):
        Extractor.open(settings, engine)


def test_a_bookmark_survives_re_extraction(
    extractor: Extractor, engine: Engine, chat_script: ChatScript
) -> None:
    """Forced re-extraction replaces the rows; the bookmark follows the title."""
    [comment_id] = seed_comments(engine, [TWO_PROJECTS])
    chat_script.answers["Tidepool"] = {
        "projects": [project("Tidepool"), project("Kiln")]
    }
    extractor.extract(comment_id)
    with session_scope(engine) as session:
        kiln = session.scalars(select(Project).where(Project.title == "Kiln")).one()
        kiln.is_bookmarked = True

    extractor.extract(comment_id, force=True)

    marks = {p.title: p.is_bookmarked for p in projects_of(engine, comment_id)}
    assert marks == {"Tidepool": False, "Kiln": True}
