"""Liveness of the API process."""

from fastapi import APIRouter

from waywo import __version__
from waywo.api.schemas.health import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/api/health")
def read_health() -> HealthPublic:
    """Answer when the API process is up."""
    return HealthPublic(status="ok", version=__version__)
