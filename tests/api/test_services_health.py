"""GET /api/admin/services-health against real stand-in servers on loopback."""

import logging
import time
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from pydantic import SecretStr

from tests.conftest import run_api
from tests.standins.ai_services import Behaviour, create_ai_standin
from tests.support.loopback import closed_port, serve_in_thread
from waywo.logs import configure_logging
from waywo.settings import Settings

API_KEY = "sk-test-never-shown"
ADMIN_TOKEN = "admin-token-never-shown"
REDIS_PASSWORD = "redis-password-never-shown"


def start_standins(stack: ExitStack, *behaviours: Behaviour) -> list[str]:
    """Start one stand-in server per behaviour; return their URLs."""
    return [
        stack.enter_context(serve_in_thread(create_ai_standin(behaviour)))
        for behaviour in behaviours
    ]


def read_health(settings: Settings, **overrides: object) -> httpx.Response:
    """Serve the app with these settings and GET its services health."""
    for url in run_api(settings.model_copy(update=overrides)):
        return httpx.get(f"{url}/api/admin/services-health", timeout=30)
    raise AssertionError("the app did not start")


@pytest.fixture
def standin_stack() -> Iterator[ExitStack]:
    """Yield an exit stack that stops every stand-in started on it."""
    with ExitStack() as stack:
        yield stack


def test_healthy_services_report_models_and_device(
    settings: Settings, standin_stack: ExitStack
) -> None:
    """Each service is healthy; the LLM lists its models, the reranker its device."""
    llm, embedder, reranker = start_standins(
        standin_stack,
        Behaviour(models=["big-model", "small-model"]),
        Behaviour(device="cpu"),
        Behaviour(device="cuda"),
    )

    response = read_health(
        settings,
        llm_url=f"{llm}/v1",
        llm_model="small-model",
        embedder_url=embedder,
        reranker_url=reranker,
        reranker_model="rerank-1",
    )

    report = response.json()
    assert response.status_code == 200
    assert report["llm"]["status"] == "healthy"
    assert report["llm"]["url"] == f"{llm}/v1"
    assert report["llm"]["configured_model"] == "small-model"
    assert report["llm"]["available_models"] == ["big-model", "small-model"]
    assert report["llm"]["is_configured_model_available"] is True
    assert report["embedder"]["status"] == "healthy"
    assert report["embedder"]["url"] == embedder
    assert report["reranker"] == {
        "status": "healthy",
        "url": reranker,
        "configured_model": "rerank-1",
        "device": "cuda",
        "details": {"status": "ok", "device": "cuda"},
        "latency_ms": report["reranker"]["latency_ms"],
    }


def test_refused_connections_are_unhealthy_with_the_reason(
    settings: Settings,
) -> None:
    """Nothing listening: each service is unhealthy with 'Connection refused'."""
    llm_url = f"http://127.0.0.1:{closed_port()}/v1"
    embedder_url = f"http://127.0.0.1:{closed_port()}"

    report = read_health(
        settings, llm_url=llm_url, embedder_url=embedder_url, reranker_url=None
    ).json()

    assert report["llm"] == {
        "status": "unhealthy",
        "url": llm_url,
        "error": "Connection refused",
        "latency_ms": report["llm"]["latency_ms"],
    }
    assert report["embedder"]["status"] == "unhealthy"
    assert report["embedder"]["error"] == "Connection refused"
    assert report["reranker"]["url"] == "local://fused"  # no URL: the local one


def test_without_urls_the_local_providers_report_themselves(
    settings: Settings,
) -> None:
    """Model name, device cpu, a local:// URL; the LLM is simply not configured."""
    report = read_health(settings, llm_url=None, embedder_url=None, reranker_url=None)

    answer = report.json()
    assert answer["llm"]["status"] == "not_configured"
    assert answer["embedder"]["status"] == "healthy"
    assert answer["embedder"]["url"] == "local://wordllama"
    assert answer["embedder"]["configured_model"] == "wordllama-l2_supercat-256"
    assert answer["embedder"]["device"] == "cpu"
    assert answer["embedder"]["details"] == {"threads": 1, "dimension": 256}
    assert answer["reranker"]["configured_model"] == "fused-keyword-vector"
    assert answer["reranker"]["device"] == "cpu"


def test_slow_services_time_out_together_in_about_one_timeout(
    settings: Settings, standin_stack: ExitStack
) -> None:
    """Three services each slower than the timeout: the check takes ~one timeout.

    One after the other they would take three timeouts (3 s).
    """
    urls = start_standins(standin_stack, *(Behaviour(delay_seconds=3) for _ in "abc"))
    slow = settings.model_copy(
        update={
            "health_timeout": 1.0,
            "llm_url": f"{urls[0]}/v1",
            "embedder_url": urls[1],
            "reranker_url": urls[2],
        }
    )

    for api_url in run_api(slow):
        started = time.perf_counter()
        report = httpx.get(f"{api_url}/api/admin/services-health", timeout=30).json()
        elapsed = time.perf_counter() - started

    for service in ("llm", "embedder", "reranker"):
        assert report[service]["status"] == "unhealthy"
        assert report[service]["error"] == "Timed out after 1 s"
    assert 1.0 <= elapsed < 2.0


def test_service_error_status_is_unhealthy(
    settings: Settings, standin_stack: ExitStack
) -> None:
    """A 503 from the service makes it unhealthy with the HTTP status."""
    (embedder,) = start_standins(standin_stack, Behaviour(status_code=503))

    report = read_health(settings, embedder_url=embedder).json()

    assert report["embedder"]["status"] == "unhealthy"
    assert report["embedder"]["error"] == "HTTP 503 Service Unavailable"


def test_api_key_is_sent_but_never_shown(
    settings: Settings, standin_stack: ExitStack, caplog: pytest.LogCaptureFixture
) -> None:
    """The LLM key goes in the Authorization header, never in the reply or logs."""
    behaviour = Behaviour(required_api_key=API_KEY)
    (llm,) = start_standins(standin_stack, behaviour)
    host = llm.removeprefix("http://")
    configure_logging("DEBUG")  # as every entry point does
    caplog.set_level(logging.DEBUG)

    response = read_health(
        settings,
        llm_url=f"http://{host}/v1?key={API_KEY}",
        llm_api_key=SecretStr(API_KEY),
        admin_token=SecretStr(ADMIN_TOKEN),
        redis_url=f"redis://:{REDIS_PASSWORD}@127.0.0.1:{closed_port()}/0",
    )

    assert response.json()["llm"]["status"] == "healthy"
    assert behaviour.received_authorizations == [f"Bearer {API_KEY}"]
    assert response.json()["llm"]["url"] == f"http://{host}/v1"
    for secret in (API_KEY, ADMIN_TOKEN, REDIS_PASSWORD):
        assert secret not in response.text
        assert secret not in caplog.text
    assert "llm GET" in caplog.text


def test_logging_setup_keeps_httpx_request_lines_out() -> None:
    """httpx logs whole URLs (with any password) at INFO; entry points mute it."""
    configure_logging("DEBUG")

    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
