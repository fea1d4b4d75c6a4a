"""Dependencies routes declare: the settings, the engine, the index, the admin check."""

import secrets
from typing import Annotated

from celery import Celery
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from waywo.errors import UnauthorizedError
from waywo.search.vector_index import VectorIndex
from waywo.services.search import Searcher
from waywo.settings import Settings

bearer = HTTPBearer(auto_error=False, description="The admin token, when one is set.")


def get_settings(request: Request) -> Settings:
    """Return the settings the app was created with."""
    return request.app.state.settings  # type: ignore[no-any-return]


def get_engine(request: Request) -> Engine:
    """Return the app's SQLite engine."""
    return request.app.state.engine  # type: ignore[no-any-return]


def get_celery(request: Request) -> Celery:
    """Return the app's Celery client, for queueing tasks and reading their state."""
    return request.app.state.celery  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
CeleryDep = Annotated[Celery, Depends(get_celery)]


def get_vector_index(settings: SettingsDep, engine: EngineDep) -> VectorIndex:
    """Return the vector index of the configured embedding model."""
    return VectorIndex(settings.index_dir, engine, settings.embedding_model)


VectorIndexDep = Annotated[VectorIndex, Depends(get_vector_index)]


def get_searcher(request: Request) -> Searcher:
    """Return the app's searcher, which holds the embedder and reranker clients."""
    return request.app.state.searcher  # type: ignore[no-any-return]


SearcherDep = Annotated[Searcher, Depends(get_searcher)]


def require_admin(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Refuse the request unless it carries the admin token, when one is configured."""
    if settings.admin_token is None:
        return
    expected = settings.admin_token.get_secret_value().encode()
    given = credentials.credentials.encode() if credentials else b""
    if not secrets.compare_digest(given, expected):
        raise UnauthorizedError("A valid admin token is required: 'Bearer <token>'")
