"""The request body limit: answer 413 before reading a body that is too large.

``BodyLimit`` is a pure ASGI middleware in front of every route. A request whose
``Content-Length`` is above the limit is answered 413 at once: the app is not called and
no byte of the body is read. A body sent without a length (chunked) is counted as it
streams; the read that passes the limit raises ``BodyTooLarge``, an HTTP error the app's
handlers answer as 413 in the usual error shape, and the app never sees more of it. Either
way the answer says ``Connection: close``, so the server stops taking in the rest.

No route needs a larger body than the default limit (``PINPOINT_MAX_BODY_BYTES``, 1 MiB):
bulk data (NPPES files, training rosters) is imported through the CLI, not over HTTP.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pinpoint.web.errors import respond

_CLOSE = (b"connection", b"close")
_BODILESS = frozenset({"GET", "HEAD"})


def too_large_message(limit: int) -> str:
    return f"request body too large: this server accepts at most {limit} bytes"


class BodyTooLarge(HTTPException):
    """Raised by the counting ``receive`` once a streamed body passes the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))


def body_framing(scope: Scope) -> tuple[int | None, bool]:
    """The request's ``Content-Length`` (None when absent or not a number) and whether it
    sends a ``Transfer-Encoding``, which takes precedence, so the body must be counted."""
    length = None
    for name, value in scope["headers"]:
        if name == b"transfer-encoding":
            return None, True
        if name == b"content-length":
            length = int(value) if value.isdigit() else None
    return length, False


class BodyLimit:
    """Pure ASGI middleware refusing request bodies above ``limit`` bytes with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length, streamed = body_framing(scope)
        if length is not None and not streamed:
            if length > self.limit:
                await self._refuse(scope, receive, send)
            else:  # the server delivers no more than was declared
                await self.app(scope, receive, send)
        elif streamed or scope["method"] not in _BODILESS:
            await self._counted(scope, receive, send)
        else:  # a GET or HEAD without a body; no route reads one
            await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = respond(request, 413, too_large_message(self.limit), None, ["body"])
        response.headers["Connection"] = "close"
        await response(scope, receive, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        refused = False

        async def receive_counted() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    raise BodyTooLarge(self.limit)
            return message

        async def send_closing(message: Message) -> None:
            if refused and message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), _CLOSE]
            await send(message)

        await self.app(scope, receive_counted, send_closing)
