"""A stand-in for the three rerank APIs waywo speaks, each on its own path.

Cohere/Jina ``POST /v1/rerank``, Hugging Face TEI ``POST /rerank`` and NVIDIA NIM
``POST /v1/ranking``. The score of a passage is the share of the query's words it
contains, so a test knows the order to expect. One stand-in answers only the API
it is told to; the others get a 404, like a real server of another kind.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

RerankApi = Literal["cohere", "tei", "nim"]
WORD = re.compile(r"[a-z0-9]+")


@dataclass
class RerankScript:
    """Which API the stand-in speaks, and what it was sent."""

    api: RerankApi = "cohere"
    status_code: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)


def overlap(query: str, passage: str) -> float:
    """Return the share of the query's words found in the passage."""
    wanted = set(WORD.findall(query.lower()))
    found = set(WORD.findall(passage.lower()))
    return len(wanted & found) / len(wanted) if wanted else 0.0


def create_rerank_standin(script: RerankScript) -> FastAPI:
    """Return an app that reranks like the scripted API."""
    app = FastAPI()

    async def answer(
        request: Request, api: RerankApi
    ) -> tuple[dict[str, Any], Response | None]:
        body = await request.json()
        if api != script.api:
            return body, JSONResponse({"error": "Not Found"}, status_code=404)
        script.requests.append(body)
        if script.status_code != 200:
            return body, JSONResponse({"error": "scripted"}, script.status_code)
        return body, None

    @app.post("/v1/rerank")
    async def cohere(request: Request) -> Response:
        body, refusal = await answer(request, "cohere")
        if refusal:
            return refusal
        scores = [overlap(body["query"], text) for text in body["documents"]]
        results = [{"index": i, "relevance_score": s} for i, s in enumerate(scores)]
        results.sort(key=lambda row: -row["relevance_score"])
        return JSONResponse({"results": results})

    @app.post("/rerank")
    async def tei(request: Request) -> Response:
        body, refusal = await answer(request, "tei")
        if refusal:
            return refusal
        scores = [overlap(body["query"], text) for text in body["texts"]]
        return JSONResponse([{"index": i, "score": s} for i, s in enumerate(scores)])

    @app.post("/v1/ranking")
    async def nim(request: Request) -> Response:
        body, refusal = await answer(request, "nim")
        if refusal:
            return refusal
        query = body["query"]["text"]
        scores = [overlap(query, passage["text"]) for passage in body["passages"]]
        rankings = [{"index": i, "logit": s * 10 - 5} for i, s in enumerate(scores)]
        rankings.sort(key=lambda row: -row["logit"])
        return JSONResponse({"rankings": rankings})

    return app
