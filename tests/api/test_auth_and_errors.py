"""The admin token on destructive routes, and JSON errors for bad requests."""

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from tests.conftest import run_api
from tests.support.loopback import serve_in_thread
from waywo.api.app import create_app
from waywo.settings import Settings

TOKEN = "s3cret-admin-token"
DESTRUCTIVE_ROUTES = [
    ("DELETE", "/api/admin/reset-sqlite"),
    ("DELETE", "/api/admin/reset-redis"),
    ("DELETE", "/api/admin/reset-all"),
    ("POST", "/api/admin/rebuild-vector-index"),
]


@pytest.fixture
def guarded_api_url(settings: Settings, engine: Engine) -> Iterator[str]:
    """Yield the URL of an app that has an admin token configured."""
    guarded = settings.model_copy(update={"admin_token": SecretStr(TOKEN)})
    yield from run_api(guarded)


@pytest.mark.parametrize(("method", "path"), DESTRUCTIVE_ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}"])
def test_destructive_routes_refuse_without_the_token(
    guarded_api_url: str, method: str, path: str, authorization: str | None
) -> None:
    """No token, a wrong one or the wrong scheme: 401 JSON, nothing done."""
    headers = {"Authorization": authorization} if authorization else {}

    response = httpx.request(method, guarded_api_url + path, headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "admin token" in response.json()["detail"]
    assert TOKEN not in response.text


@pytest.mark.parametrize(("method", "path"), DESTRUCTIVE_ROUTES)
def test_destructive_routes_accept_the_token(
    guarded_api_url: str, method: str, path: str
) -> None:
    """The right bearer token lets the action run."""
    headers = {"Authorization": f"Bearer {TOKEN}"}

    response = httpx.request(method, guarded_api_url + path, headers=headers)

    assert response.status_code == 200
    assert response.json()["status"] == "success"


def test_read_routes_need_no_token(guarded_api_url: str) -> None:
    """Statistics and health stay readable; the token never shows in them."""
    stats = httpx.get(f"{guarded_api_url}/api/admin/stats")
    health = httpx.get(f"{guarded_api_url}/api/health")

    assert stats.status_code == 200
    assert health.json()["status"] == "ok"
    assert TOKEN not in stats.text


def test_unknown_route_answers_404_json(api_url: str) -> None:
    """An unknown path is a JSON 404."""
    response = httpx.get(f"{api_url}/api/admin/nothing-here")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/admin/stats"), ("GET", "/api/admin/reset-all")],
)
def test_wrong_method_answers_405_json(api_url: str, method: str, path: str) -> None:
    """A known path with the wrong method is a JSON 405."""
    response = httpx.request(method, api_url + path)

    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


def test_openapi_documents_every_route_with_a_response_model(api_url: str) -> None:
    """Each admin route has a typed 200 response schema in /openapi.json."""
    spec = httpx.get(f"{api_url}/openapi.json").json()

    for path, method in [
        ("/api/admin/stats", "get"),
        ("/api/admin/services-health", "get"),
        ("/api/admin/reset-sqlite", "delete"),
        ("/api/admin/reset-redis", "delete"),
        ("/api/admin/reset-all", "delete"),
        ("/api/admin/rebuild-vector-index", "post"),
        ("/api/health", "get"),
    ]:
        ok = spec["paths"][path][method]["responses"]["200"]
        assert "$ref" in ok["content"]["application/json"]["schema"], path
    assert "207" in spec["paths"]["/api/admin/reset-all"]["delete"]["responses"]
    assert httpx.get(f"{api_url}/docs").status_code == 200


def test_unexpected_errors_answer_500_json(settings: Settings, engine: Engine) -> None:
    """An exception no layer translated still answers JSON, without its text."""
    app = create_app(settings)

    @app.get("/api/test-only/broken")
    def broken() -> None:
        raise RuntimeError("internal detail that must not leak")

    with serve_in_thread(app) as url:
        response = httpx.get(f"{url}/api/test-only/broken")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
