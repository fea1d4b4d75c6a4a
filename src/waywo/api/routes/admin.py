"""Admin routes: statistics, service health, resets and the index rebuild."""

from typing import Any

from fastapi import APIRouter, Depends, Response, status

from waywo.api.deps import (
    CeleryDep,
    EngineDep,
    SettingsDep,
    VectorIndexDep,
    require_admin,
)
from waywo.api.schemas.admin import (
    ActionResult,
    RebuildResult,
    ResetAllResult,
    StatsPublic,
    StoreResetResult,
    WorkerStats,
)
from waywo.errors import ResetError, ServiceUnavailableError
from waywo.services import admin
from waywo.services.health import ServicesHealth, check_services

router = APIRouter(prefix="/api/admin", tags=["admin"])

STORE_NAMES = {"sqlite": "SQLite", "redis": "Redis"}

ERROR_BODY = {"content": {"application/json": {"example": {"detail": "reason"}}}}
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Admin token missing or wrong", **ERROR_BODY},
    500: {"description": "The action failed", **ERROR_BODY},
}


@router.get("/stats", response_model_exclude_none=True)
def read_stats(settings: SettingsDep, engine: EngineDep) -> StatsPublic:
    """Count posts, comments and projects, and report on Redis."""
    return StatsPublic.model_validate(admin.read_stats(settings, engine))


@router.get("/celery", response_model_exclude_none=True)
def read_workers(settings: SettingsDep, celery: CeleryDep) -> WorkerStats:
    """Count live workers, their active and reserved tasks, and queued tasks."""
    return WorkerStats.model_validate(admin.read_worker_stats(celery, settings))


@router.get("/services-health", response_model_exclude_none=True)
async def read_services_health(settings: SettingsDep) -> ServicesHealth:
    """Probe the LLM, the embedder and the reranker at the same time."""
    return await check_services(settings)


@router.delete(
    "/reset-sqlite", dependencies=[Depends(require_admin)], responses=ADMIN_ERRORS
)
def reset_sqlite(engine: EngineDep, index: VectorIndexDep) -> ActionResult:
    """Delete every post, comment and project; the schema stays."""
    admin.reset_sqlite(engine, index)
    return ActionResult(status="success", message="SQLite database has been reset")


@router.delete(
    "/reset-redis", dependencies=[Depends(require_admin)], responses=ADMIN_ERRORS
)
def reset_redis(settings: SettingsDep) -> ActionResult:
    """Flush our Redis database: task history, queues and cached data."""
    try:
        admin.reset_redis(settings)
    except ServiceUnavailableError as exc:
        raise ResetError(f"Redis: {exc.message}") from exc
    return ActionResult(status="success", message="Redis database has been flushed")


@router.delete(
    "/reset-all",
    dependencies=[Depends(require_admin)],
    response_model_exclude_none=True,
    responses={
        **ADMIN_ERRORS,
        207: {"model": ResetAllResult, "description": "One store failed to reset"},
    },
)
def reset_all(
    response: Response,
    settings: SettingsDep,
    engine: EngineDep,
    index: VectorIndexDep,
) -> ResetAllResult:
    """Reset SQLite and Redis; one failing never stops the other (207)."""
    outcomes = admin.reset_everything(settings, engine, index)

    results = {
        outcome.store: (
            StoreResetResult(
                status="success",
                message="flushed" if outcome.store == "redis" else None,
            )
            if outcome.is_success
            else StoreResetResult(status="error", error=outcome.error)
        )
        for outcome in outcomes
    }
    failures = [outcome for outcome in outcomes if not outcome.is_success]
    if not failures:
        return ResetAllResult(
            status="success", message="All databases have been reset", results=results
        )

    is_partial = len(failures) < len(outcomes)
    response.status_code = (
        status.HTTP_207_MULTI_STATUS
        if is_partial
        else status.HTTP_500_INTERNAL_SERVER_ERROR
    )
    return ResetAllResult(
        status="partial" if is_partial else "error",
        message=f"{'Some' if is_partial else 'All'} databases failed to reset",
        errors=[
            f"{STORE_NAMES[failure.store]}: {failure.error}" for failure in failures
        ],
        results=results,
    )


@router.post(
    "/rebuild-vector-index",
    dependencies=[Depends(require_admin)],
    responses=ADMIN_ERRORS,
)
def rebuild_vector_index(index: VectorIndexDep) -> RebuildResult:
    """Rebuild the quantized vector index from the stored embeddings."""
    summary = admin.rebuild_index(index)
    return RebuildResult(
        status="success",
        message="Vector index rebuilt successfully",
        vectors=summary.vectors,
        dimension=summary.dimension,
        model=summary.model,
        seconds=round(summary.seconds, 3),
    )
