"""The errors waywo raises, each carrying the HTTP status it maps to.

    WaywoError
    ├── ConfigurationError       500  a setting is missing or malformed
    ├── InvalidInputError        422  a request or argument is malformed
    ├── NotFoundError            404
    ├── UnauthorizedError        401
    ├── ServiceUnavailableError  503  an outside service (Redis, LLM, ...) failed
    ├── UnusableAnswerError      502  the LLM answered, but not what was asked
    ├── StorageError             500  SQLite could not do what was asked
    ├── ResetError               500  a store could not be reset
    └── VectorIndexError         500  the vector index could not be written or read

Lower-layer exceptions (httpx, redis, sqlite) are translated where they are caught,
with the original chained, so the API and the CLI only ever see these.
"""

import errno
import os


class WaywoError(Exception):
    """Base of every error waywo reports to a user."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(WaywoError):
    """A setting is missing or malformed."""


class InvalidInputError(WaywoError):
    """A request or a command-line argument is malformed."""

    status_code = 422


class NotFoundError(WaywoError):
    """A requested row does not exist."""

    status_code = 404


class UnauthorizedError(WaywoError):
    """The admin token is missing or wrong."""

    status_code = 401


class ServiceUnavailableError(WaywoError):
    """An outside service did not answer or answered with an error."""

    status_code = 503


class UnusableAnswerError(WaywoError):
    """The LLM answered with text that is not JSON or breaks the schema."""

    status_code = 502


class StorageError(WaywoError):
    """The SQLite database could not be read or written."""


class ResetError(WaywoError):
    """A store (SQLite or Redis) could not be reset."""


class VectorIndexError(WaywoError):
    """The vector index could not be written, read, or used for this query."""


def describe_error(exc: BaseException) -> str:
    """Return a short, secret-free reason for a failure, e.g. 'Connection refused'.

    Libraries wrap the operating system's error in their own; the innermost
    ``OSError`` usually says it best, so the cause chain is searched for one.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in errno.errorcode:
            return os.strerror(current.errno or 0)
        current = current.__cause__ or current.__context__

    text = str(exc).strip()
    if "Connection refused" in text:
        return "Connection refused"
    return text or type(exc).__name__
