"""A stand-in for an OpenAI-compatible LLM and embedder, scripted per comment.

``POST /v1/chat/completions`` reads the comment from the prompt (between
``<comment>`` tags) and answers with the extraction scripted for a phrase in it,
or, unscripted, with one project made from the comment's first words ("learning
to cook" makes an invalid one). Faults are scripted per phrase and used up one
per request: a 500, a timeout, text that is not JSON, or JSON that breaks the
schema. ``POST /v1/embeddings`` answers hashed bag-of-words vectors, so texts
sharing words are close. Both record what they were sent.
"""

import asyncio
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

ChatFault = Literal["500", "timeout", "not_json", "breaks_schema"]
ALL_STYLES = frozenset({"json_schema", "json_object_schema", "json_object", "ollama"})
COMMENT = re.compile(r"<comment>\n(.*)\n</comment>", re.DOTALL)
URL = re.compile(r"https?://[^\s)]+")
WORD = re.compile(r"[a-z0-9]+")


@dataclass
class ChatScript:
    """How the chat completions route answers."""

    latency_seconds: float = 0.0
    timeout_seconds: float = 3.0
    faults: dict[str, list[ChatFault]] = field(default_factory=dict)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    accepted_styles: frozenset[str] = ALL_STYLES
    refusal_status: int = 400
    requests: list[dict[str, Any]] = field(default_factory=list)

    def fault_for(self, comment: str) -> ChatFault | None:
        """Use up the next fault scripted for a phrase of this comment."""
        for phrase, faults in self.faults.items():
            if phrase in comment and faults:
                return faults.pop(0)
        return None

    def answer_for(self, comment: str) -> dict[str, Any]:
        """Return the extraction scripted for this comment, or a made-up one."""
        for phrase, answer in self.answers.items():
            if phrase in comment:
                return answer
        return made_up_extraction(comment)


@dataclass
class EmbeddingScript:
    """How the embeddings route answers."""

    dimension: int = 64
    faults: list[Literal["500"]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)


def made_up_extraction(comment: str) -> dict[str, Any]:
    """Return one project named by the comment's first words, with its links."""
    if "learning to cook" in comment.lower():
        return {"projects": [invalid_project("A personal goal, not a project.")]}
    words = comment.split()
    return {"projects": [project(" ".join(words[:3]), URL.findall(comment))]}


def project(
    title: str, urls: list[str] | None = None, **changes: Any
) -> dict[str, Any]:
    """Return a valid project entry as the LLM would write it."""
    return {
        "is_valid_project": True,
        "invalid_reason": None,
        "title": title,
        "short_description": f"A tool called {title}",
        "description": f"{title} helps people do their work. It is built by one maker.",
        "hashtags": ["standin", "tools", "software"],
        "urls": urls or [],
        "idea_score": 6,
        "complexity_score": 4,
    } | changes


def invalid_project(reason: str) -> dict[str, Any]:
    """Return the entry for a comment that describes no project."""
    return {
        "is_valid_project": False,
        "invalid_reason": reason,
        "title": None,
        "short_description": None,
        "description": None,
        "hashtags": [],
        "urls": [],
        "idea_score": None,
        "complexity_score": None,
    }


def hashed_embedding(text: str, dimension: int) -> list[float]:
    """Return a unit bag-of-words vector: texts that share words score higher."""
    vector = np.zeros(dimension, dtype=np.float64)
    for word in WORD.findall(text.lower()):
        vector[zlib.crc32(word.encode()) % dimension] += 1.0
    if not vector.any():
        vector[0] = 1.0
    return [float(x) for x in vector / np.linalg.norm(vector)]


def create_openai_standin(chat: ChatScript, embeddings: EmbeddingScript) -> FastAPI:
    """Return an app speaking the OpenAI chat completions and embeddings APIs."""
    app = FastAPI()

    @app.get("/v1/models")
    async def list_models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": "standin-llm", "object": "model"}]}

    @app.post("/v1/chat/completions")
    async def complete(request: Request) -> Response:
        body = await request.json()
        chat.requests.append(body)
        await asyncio.sleep(chat.latency_seconds)
        if style_of(body) not in chat.accepted_styles:
            return JSONResponse(
                {"error": f"{style_of(body)} unsupported"}, chat.refusal_status
            )

        comment = _comment_of(body["messages"])
        fault = chat.fault_for(comment)
        if fault == "500":
            return JSONResponse({"error": "scripted"}, status_code=500)
        if fault == "timeout":
            await asyncio.sleep(chat.timeout_seconds)
        content = _content(fault, chat.answer_for(comment))
        return JSONResponse(_completion(body, content))

    @app.post("/v1/embeddings")
    async def embed(request: Request) -> Response:
        body = await request.json()
        embeddings.requests.append(body)
        if embeddings.faults and embeddings.faults.pop(0) == "500":
            return JSONResponse({"error": "scripted"}, status_code=500)
        data = [
            {"object": "embedding", "index": index,
             "embedding": hashed_embedding(text, embeddings.dimension)}
            for index, text in enumerate(body["input"])
        ]  # fmt: skip
        model = body.get("model") or "standin-embedder"
        return JSONResponse({"object": "list", "data": data, "model": model})

    return app


def style_of(body: dict[str, Any]) -> str:
    """Name the way a request asks for JSON, as waywo's settings name them."""
    if "format" in body:
        return "ollama"
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return "json_schema"
    return "json_object_schema" if "schema" in response_format else "json_object"


def _comment_of(messages: list[dict[str, str]]) -> str:
    for message in messages:
        match = COMMENT.search(message["content"])
        if message["role"] == "user" and match:
            return match.group(1)
    raise ValueError("no <comment> in the prompt")


def _content(fault: ChatFault | None, answer: dict[str, Any]) -> str:
    if fault == "not_json":
        return "Sure! Here are the projects: title=..."
    if fault == "breaks_schema":
        broken = [entry | {"idea_score": 11} for entry in answer["projects"]]
        return json.dumps({"projects": broken})
    return json.dumps(answer)


def _completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    prompt_words = sum(len(m["content"].split()) for m in body["messages"])
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "model": body["model"],
        "choices": [
            {"index": 0, "finish_reason": "stop",
             "message": {"role": "assistant", "content": content}}
        ],
        "usage": {"prompt_tokens": prompt_words,
                  "completion_tokens": len(content.split()),
                  "total_tokens": prompt_words + len(content.split())},
    }  # fmt: skip
