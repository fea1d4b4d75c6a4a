"""What keeps the pages safe: sanitized comment HTML and a strict CSP."""

import nh3
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

# HN sends a small set of tags; everything else, and every attribute but href,
# is dropped. Links get rel="nofollow noopener".
COMMENT_TAGS = {"a", "p", "i", "b", "em", "strong", "pre", "code", "br"}
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


def sanitize_comment(html: str | None) -> str:
    """Return HN comment HTML with only harmless tags and http(s) links left."""
    return nh3.clean(
        html or "",
        tags=COMMENT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow noopener",
    )


class SecurityHeaders(BaseHTTPMiddleware):
    """Add the CSP and related headers to every HTML page."""

    async def dispatch(
        self, request: Request, call_next: RequestResponseEndpoint
    ) -> Response:
        """Answer the request, then add the headers."""
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "same-origin"
        return response
