"""The HTTP API (FastAPI): routes, their schemas and dependencies."""
