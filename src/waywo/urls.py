"""URL helpers shared by every client."""

from urllib.parse import urlsplit, urlunsplit


def redact_url(url: str) -> str:
    """Return the URL without a password or query string, fit for logs and replies."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password:
        port = f":{parts.port}" if parts.port else ""
        netloc = f"{parts.username or ''}:***@{parts.hostname}{port}"
    return urlunsplit(parts._replace(netloc=netloc, query="", fragment=""))


def join_url(base: str, path: str) -> str:
    """Append a path to a service URL's path, keeping its query string."""
    parts = urlsplit(base)
    joined = parts.path.rstrip("/") + "/" + path.lstrip("/")
    return urlunsplit(parts._replace(path=joined))
