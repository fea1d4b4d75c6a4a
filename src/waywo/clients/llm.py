"""The LLM: any server speaking the OpenAI chat completions API."""

from waywo.clients.health import ServiceHealth, run_probe
from waywo.clients.http import bearer_headers, get_json
from waywo.settings import Settings
from waywo.urls import join_url


async def check_health(settings: Settings) -> ServiceHealth:
    """Ask ``GET {base}/models`` which models the server offers."""
    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None

    async def probe(url: str) -> ServiceHealth:
        body = await get_json(
            "llm",
            join_url(url, "models"),
            timeout=settings.health_timeout,
            headers=bearer_headers(api_key),
        )
        models = [
            str(entry["id"])
            for entry in (body.get("data") or [] if isinstance(body, dict) else [])
            if isinstance(entry, dict) and "id" in entry
        ]
        is_available = settings.llm_model in models if settings.llm_model else None
        return ServiceHealth(
            status="healthy",
            configured_model=settings.llm_model,
            available_models=models,
            is_configured_model_available=is_available,
        )

    return await run_probe(settings.llm_url, settings.llm_model, probe)
