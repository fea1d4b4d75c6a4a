"""The HTML pages: explorer, project, threads, hashtags and the admin dashboard."""

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from waywo.api.deps import EngineDep, SearcherDep, SettingsDep
from waywo.api.params import ItemId
from waywo.errors import InvalidInputError
from waywo.search.filters import ProjectFilters, Sort, parse_month
from waywo.services import posts, projects
from waywo.services.search import Mode, SearchRequest
from waywo.web.charts import CHART_HEIGHT, bars
from waywo.web.security import sanitize_comment

TEMPLATES = Jinja2Templates(directory=Path(__file__).with_name("templates"))
PAGE_SIZE = 20
CHART_WIDTH = 800
HASHTAG_BAR_WIDTH = 240
DATABASE_TILES = (
    ("posts_count", "threads"),
    ("comments_count", "comments"),
    ("comments_pending_count", "pending"),
    ("comments_failed_count", "failed"),
    ("projects_count", "projects"),
    ("valid_projects_count", "valid"),
    ("invalid_projects_count", "invalid"),
    ("projects_with_embeddings", "with embeddings"),
)

router = APIRouter(include_in_schema=False)


@router.get("/", name="explorer", response_class=HTMLResponse)
def explorer(
    request: Request, engine: EngineDep, searcher: SearcherDep
) -> HTMLResponse:
    """Search or browse the projects, with filters, a page at a time."""
    form = dict(request.query_params)
    context: dict[str, Any] = {"form": _form_view(form), "modes": list(Mode)}
    try:
        offset = _number(form.get("offset"), "offset", 0, 10**9) or 0
        filters = _filters(form)
        found = _find(
            engine, searcher, form.get("q", "").strip(), form, filters, offset
        )
    except InvalidInputError as exc:
        context |= {"error": exc.message, "results": [], "total": 0, "notes": []}
        return TEMPLATES.TemplateResponse(request, "explorer.html", context, 422)

    context |= found | _page_links(request, offset, found["total"])
    return TEMPLATES.TemplateResponse(request, "explorer.html", context)


@router.get("/projects/{project_id}", name="project_page", response_class=HTMLResponse)
def project_page(
    project_id: ItemId, request: Request, engine: EngineDep, searcher: SearcherDep
) -> HTMLResponse:
    """Show one project, its source comment (sanitized) and similar projects."""
    project = projects.read_project(engine, project_id)
    nearest = searcher.similar(project_id, 6)
    similarity = {hit.project_id: hit.similarity for hit in nearest}
    similar = projects.read_projects(engine, list(similarity))
    return TEMPLATES.TemplateResponse(
        request,
        "project.html",
        {
            "project": project,
            "comment": project.comment,
            "comment_html": sanitize_comment(project.comment.text_html),
            "similar": [
                {"project": item, "similarity": similarity[item.id]} for item in similar
            ],
        },
    )


@router.get("/threads", name="threads_page", response_class=HTMLResponse)
def threads_page(request: Request, engine: EngineDep) -> HTMLResponse:
    """Show the collected threads and a chart of comments and projects per month."""
    months = posts.month_figures(engine)
    labels = [f"{m['year']}-{m['month']:02d}" for m in months]
    return TEMPLATES.TemplateResponse(
        request,
        "threads.html",
        {
            "posts": posts.list_posts(engine),
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
            "comment_bars": bars(
                list(zip(labels, (m["comments_stored"] for m in months), strict=True)),
                CHART_WIDTH,
            ),
            "project_bars": bars(
                list(zip(labels, (m["projects"] for m in months), strict=True)),
                CHART_WIDTH,
            ),
        },
    )


@router.get("/hashtags", name="hashtags_page", response_class=HTMLResponse)
def hashtags_page(request: Request, engine: EngineDep) -> HTMLResponse:
    """Show the most used hashtags of valid projects as bars."""
    counts = projects.count_hashtags(engine, ProjectFilters(is_valid=True), 40)
    peak = max((count for _, count in counts), default=1)
    rows = [
        {"tag": tag, "count": count, "width": HASHTAG_BAR_WIDTH * count / peak}
        for tag, count in counts
    ]
    return TEMPLATES.TemplateResponse(request, "hashtags.html", {"rows": rows})


@router.get("/admin", name="admin_page", response_class=HTMLResponse)
def admin_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Show the dashboard; its figures and actions come from the admin API."""
    return TEMPLATES.TemplateResponse(
        request,
        "admin.html",
        {
            "token_required": settings.admin_token is not None,
            "database_tiles": DATABASE_TILES,
        },
    )


def _find(
    engine: EngineDep,
    searcher: SearcherDep,
    query: str,
    form: dict[str, str],
    filters: ProjectFilters,
    offset: int,
) -> dict[str, Any]:
    """Search when there is a query, else list the newest projects."""
    if not query:
        page = projects.list_projects(engine, filters, Sort.NEWEST, offset, PAGE_SIZE)
        listed = [{"project": p, "similarity": None} for p in page.projects]
        return {"results": listed, "total": page.total, "notes": []}

    mode_name = form.get("mode", Mode.HYBRID)
    mode = Mode(mode_name) if mode_name in set(Mode) else Mode.HYBRID
    found = searcher.search(
        SearchRequest(query, mode, filters, Sort.RELEVANCE, offset, PAGE_SIZE)
    )
    cards = {
        p.id: p
        for p in projects.read_projects(engine, [h.project_id for h in found.hits])
    }
    results: list[dict[str, Any]] = [
        {"project": cards[hit.project_id], "similarity": hit.similarity}
        for hit in found.hits
        if hit.project_id in cards
    ]
    return {"results": results, "total": found.total, "notes": found.notes}


def _filters(form: dict[str, str]) -> ProjectFilters:
    """Read the explorer's filter fields; blank fields filter nothing."""
    tags = tuple(
        tag.strip().lstrip("#").lower()
        for tag in (form.get("hashtags") or form.get("hashtag") or "").split(",")
        if tag.strip()
    )
    validity = form.get("validity", "valid")
    return ProjectFilters(
        hashtags=tags,
        match_all_hashtags=form.get("all_hashtags") == "true",
        idea_min=_number(form.get("idea_min"), "Idea from", 1, 10),
        idea_max=_number(form.get("idea_max"), "Idea to", 1, 10),
        complexity_min=_number(form.get("complexity_min"), "Complexity from", 1, 10),
        complexity_max=_number(form.get("complexity_max"), "Complexity to", 1, 10),
        month_from=parse_month(form.get("month_from") or None, "Month from"),
        month_to=parse_month(form.get("month_to") or None, "Month to"),
        is_valid={"valid": True, "invalid": False}.get(validity),
    )


def _number(text: str | None, name: str, low: int, high: int) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise InvalidInputError(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def _form_view(form: dict[str, str]) -> dict[str, Any]:
    """Return the fields to show back in the form."""
    fields = ("q", "mode", "hashtags", "idea_min", "idea_max", "complexity_min",
              "complexity_max", "month_from", "month_to")  # fmt: skip
    view: dict[str, Any] = {field: form.get(field, "") for field in fields}
    view["hashtags"] = view["hashtags"] or form.get("hashtag", "")
    view["mode"] = view["mode"] or Mode.HYBRID
    view["all_hashtags"] = form.get("all_hashtags") == "true"
    view["validity"] = form.get("validity", "valid")
    view["has_filters"] = any(form.get(field) for field in fields[2:])
    return view


def _page_links(request: Request, offset: int, total: int) -> dict[str, str | None]:
    def at(new_offset: int) -> str:
        return str(request.url.include_query_params(offset=new_offset))

    return {
        "previous_url": at(max(offset - PAGE_SIZE, 0)) if offset > 0 else None,
        "next_url": at(offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None,
    }
