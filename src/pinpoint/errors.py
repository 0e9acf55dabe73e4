"""The domain error hierarchy.

Domain code raises these; the CLI wrapper and the web error handler are the only
places that translate them into exit codes and HTTP responses.
"""

from __future__ import annotations


class PinpointError(Exception):
    """Base of every error Pinpoint reports to a user."""

    exit_code = 1
    http_status = 500

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        subject: tuple[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # The record a refusal was about, (record type, id), for the audit log's denials.
        self.subject = subject


class InvalidInput(PinpointError):
    """The caller's input is malformed or names something that does not exist."""

    exit_code = 2
    http_status = 422


class NotFound(PinpointError):
    """The requested record does not exist (or is not visible to the caller)."""

    exit_code = 2
    http_status = 404


class Unauthorized(PinpointError):
    """No valid credentials were presented."""

    exit_code = 2
    http_status = 401


class Forbidden(PinpointError):
    """The caller is known but may not do this."""

    exit_code = 2
    http_status = 403


class Conflict(PinpointError):
    """The request is well formed but the current state refuses it."""

    exit_code = 2
    http_status = 409


class Unavailable(PinpointError):
    """The database is busy or unreachable; the same request may succeed shortly.

    Also raised at start for a database that cannot be used as configured (a read-only
    file or folder, a read-only server or role), naming the path or server.
    """

    exit_code = 1
    http_status = 503
    retry_after_seconds = 2


class DataError(PinpointError):
    """Pinpoint's own shipped data is inconsistent (a bug, not a user mistake)."""

    exit_code = 1
    http_status = 500
