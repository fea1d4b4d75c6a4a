"""A stand-in for the AI services: OpenAI-style ``/v1/models`` and a ``/health``.

Each instance is told how to behave (answer, fail with a status, or be slow), and
records the requests it received so tests can check what the client sent.
"""

import asyncio
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


@dataclass
class Behaviour:
    """How the stand-in answers."""

    models: list[str] = field(default_factory=lambda: ["standin-model"])
    device: str = "cpu"
    delay_seconds: float = 0.0
    status_code: int = 200
    required_api_key: str | None = None
    received_authorizations: list[str | None] = field(default_factory=list)


def create_ai_standin(behaviour: Behaviour) -> FastAPI:
    """Return an app that answers like an OpenAI-compatible or health-probed service."""
    app = FastAPI()

    async def answer(request: Request, body: dict[str, object]) -> JSONResponse:
        authorization = request.headers.get("authorization")
        behaviour.received_authorizations.append(authorization)
        await asyncio.sleep(behaviour.delay_seconds)
        if behaviour.required_api_key and (
            authorization != f"Bearer {behaviour.required_api_key}"
        ):
            return JSONResponse({"error": "invalid api key"}, status_code=401)
        if behaviour.status_code != 200:
            return JSONResponse({"error": "scripted"}, behaviour.status_code)
        return JSONResponse(body)

    @app.get("/v1/models")
    async def list_models(request: Request) -> JSONResponse:
        data = [{"id": name, "object": "model"} for name in behaviour.models]
        return await answer(request, {"object": "list", "data": data})

    @app.get("/health")
    async def health(request: Request) -> JSONResponse:
        return await answer(request, {"status": "ok", "device": behaviour.device})

    return app
