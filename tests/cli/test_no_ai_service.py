"""The README's flow with no embedder or reranker service: collect, extract, search.

Only the LLM is a stand-in; vectors come from the local embedder, so a project is
found by meaning with a query that shares no word with it.
"""

import json

import pytest
from sqlalchemy import Engine

from tests.conftest import STANDIN_THREAD_ID
from tests.standins.openai_server import ChatScript, project
from tests.support.processes import run_waywo, waywo_environment
from waywo.settings import Settings

GARDEN_COMMENT = STANDIN_THREAD_ID + 1


@pytest.fixture
def env(hn_settings: Settings, ai_url: str) -> dict[str, str]:
    """Return an environment with HN and the LLM on stand-ins, and no other AI."""
    return waywo_environment(hn_settings.data_dir, hn_settings.redis_url) | {
        "WAYWO_HN_FIREBASE_URL": hn_settings.hn_firebase_url,
        "WAYWO_HN_ALGOLIA_URL": hn_settings.hn_algolia_url,
        "WAYWO_LLM_URL": f"{ai_url}/v1",
        "WAYWO_LLM_MODEL": "standin-llm",
    }


def test_collect_extract_and_find_by_meaning_without_ai_services(
    env: dict[str, str], engine: Engine, chat_script: ChatScript
) -> None:
    """'plants irrigation' finds the watering robot, though no word is shared."""
    chat_script.answers["project 0:"] = {
        "projects": [
            project(
                "GardenBot",
                description="An Arduino robot that waters vegetable beds when the "
                "soil gets dry.",
                hashtags=["hardware", "garden", "arduino"],
            )
        ]
    }

    collected = run_waywo("collect", "--thread", str(STANDIN_THREAD_ID),
                          "--limit-comments", "6", env=env)  # fmt: skip
    extracted = run_waywo("extract", env=env)
    found = run_waywo("search", "plants irrigation", "--mode", "semantic",
                      "--limit", "3", "--json", env=env)  # fmt: skip

    assert collected.returncode == 0, collected.stderr
    assert extracted.returncode == 0, extracted.stderr
    assert "6 processed (6 projects)" in extracted.stdout
    hits = [json.loads(line) for line in found.stdout.splitlines()]
    assert found.returncode == 0, found.stderr
    assert hits[0]["title"] == "GardenBot"
