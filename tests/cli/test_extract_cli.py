"""``waywo extract`` as a real process, against the LLM and embedder stand-in."""

import pytest
from sqlalchemy import Engine, func, select

from tests.standins.openai_server import ChatScript
from tests.support.processes import run_waywo, waywo_environment
from tests.support.seed import seed_comments
from waywo.settings import Settings
from waywo.storage.database import session_scope
from waywo.storage.models import Comment, CommentState

TEXTS = ["Alpha is a tool", "Bravo is a tool", "Charlie is a tool", "Delta is a tool"]


@pytest.fixture
def env(ai_settings: Settings) -> dict[str, str]:
    """Return an environment pointing waywo at the test's data, Redis and AI."""
    return waywo_environment(ai_settings.data_dir, ai_settings.redis_url) | {
        "WAYWO_LLM_URL": str(ai_settings.llm_url),
        "WAYWO_LLM_MODEL": "standin-llm",
        "WAYWO_EMBEDDER_URL": str(ai_settings.embedder_url),
        "WAYWO_EMBEDDER_MODEL": "standin-embedder",
        "COLUMNS": "200",
    }


def states(engine: Engine) -> dict[str, int]:
    """Return how many top-level comments are in each state."""
    with session_scope(engine) as session:
        return dict(
            session.execute(  # type: ignore[arg-type]
                select(Comment.state, func.count()).group_by(Comment.state)
            ).all()
        )


def test_extract_processes_up_to_the_limit_and_reports_the_cost(
    env: dict[str, str], engine: Engine
) -> None:
    """Three of four comments, two at a time; the summary names the counts."""
    seed_comments(engine, TEXTS)

    result = run_waywo("extract", "--limit", "3", "--concurrency", "2", env=env)

    assert result.returncode == 0, result.stderr
    assert "3 processed (3 projects), 0 failed, 0 skipped." in result.stdout
    assert "3 calls" in result.stdout
    assert states(engine) == {"processed": 3, "pending": 1}


def test_extract_exits_non_zero_naming_the_failed_comments(
    env: dict[str, str], engine: Engine, chat_script: ChatScript
) -> None:
    """A failure leaves its comment pending and is named on stderr."""
    ids = seed_comments(engine, TEXTS)
    chat_script.faults["Bravo"] = ["500"]

    result = run_waywo("extract", env=env)

    assert result.returncode == 1
    assert (
        f"Error: comment {ids[1]} (still pending): LLM answered HTTP 500"
        in result.stderr
    )
    assert states(engine) == {"processed": 3, "pending": 1}


def test_retry_failed_takes_failed_comments_back(
    env: dict[str, str], engine: Engine
) -> None:
    """``--retry-failed`` puts failed comments back to pending and extracts them."""
    ids = seed_comments(engine, TEXTS[:2])
    with session_scope(engine) as session:
        session.get_one(Comment, ids[0]).state = CommentState.FAILED

    plain = run_waywo("extract", env=env)
    retried = run_waywo("extract", "--retry-failed", env=env)

    assert "1 processed" in plain.stdout
    assert "1 processed" in retried.stdout
    assert states(engine) == {"processed": 2}


def test_extract_without_an_llm_says_how_to_configure_one(
    settings: Settings,
) -> None:
    """One line naming the settings, exit code 1."""
    env = waywo_environment(settings.data_dir, settings.redis_url)

    result = run_waywo("extract", env=env)

    assert result.returncode == 1
    assert result.stderr.startswith("Error: No LLM is configured: set WAYWO_LLM_URL")


def test_queue_hands_the_batch_to_the_workers(
    env: dict[str, str], engine: Engine
) -> None:
    """With ``--queue`` nothing runs here; the task id is printed."""
    seed_comments(engine, TEXTS)

    result = run_waywo("extract", "--queue", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Queued task ")
    assert states(engine) == {"pending": 4}
