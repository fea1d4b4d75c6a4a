"""One place that turns waywo's errors into JSON responses."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from waywo.errors import UnauthorizedError, WaywoError

logger = logging.getLogger(__name__)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error as JSON ``{"detail": message}`` with its status."""

    @app.exception_handler(WaywoError)
    async def render_waywo_error(request: Request, exc: WaywoError) -> JSONResponse:
        if exc.status_code >= 500:
            logger.error(
                "%s %s failed: %s", request.method, request.url.path, exc.message,
                exc_info=exc,
            )  # fmt: skip
        headers = (
            {"WWW-Authenticate": "Bearer"}
            if isinstance(exc, UnauthorizedError)
            else None
        )
        return JSONResponse(
            {"detail": exc.message}, status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(Exception)
    async def render_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        logger.error(
            "%s %s failed unexpectedly", request.method, request.url.path,
            exc_info=exc,
        )  # fmt: skip
        return JSONResponse({"detail": "Internal server error"}, status_code=500)
