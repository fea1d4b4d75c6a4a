"""The FastAPI application: routes, error handling and start-up migrations."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from waywo import __version__
from waywo.api.errors import install_error_handlers
from waywo.api.routes import admin, comments, health, posts, projects, tasks
from waywo.services.search import Searcher
from waywo.settings import Settings
from waywo.storage.database import get_engine, migrate
from waywo.web import pages
from waywo.web.security import SecurityHeaders
from waywo.worker.app import create_celery

STATIC_DIR = Path(pages.__file__).with_name("static")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for these settings (read from the environment when omitted)."""
    settings = settings or Settings()
    engine = get_engine(settings.database_path, settings.sqlite_busy_timeout)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        migrate(engine)
        yield
        app.state.searcher.close()

    app = FastAPI(
        title="waywo",
        version=__version__,
        description="A searchable index of the projects in Hacker News' monthly "
        '"What are you working on?" threads.',
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.celery = create_celery(settings)
    app.state.searcher = Searcher.open(settings, engine)

    install_error_handlers(app)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    app.include_router(health.router)
    app.include_router(admin.router)
    app.include_router(posts.router)
    app.include_router(comments.router)
    app.include_router(projects.router)
    app.include_router(tasks.router)
    return app
