"""Response model of the liveness route."""

from typing import Literal

from pydantic import BaseModel


class HealthPublic(BaseModel):
    """The API process is up."""

    status: Literal["ok"]
    version: str
