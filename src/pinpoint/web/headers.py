"""Browser security headers and the no-store rule, set in one place for every answer.

``SecureHeaders`` is a pure ASGI middleware wrapped around the whole application, outside
its error handlers, so pages, API answers, redirects, 404s, 500s, static files and the API
docs all carry:

- ``Content-Security-Policy`` (``CONTENT_SECURITY_POLICY``): scripts, styles, fonts and
  fetches from this origin only, no inline script or style, no plugins, no ``<base>``
  pointing elsewhere, forms that post only here, and no other page may frame ours;
- ``X-Frame-Options: DENY`` (frame-ancestors for older browsers),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``Permissions-Policy`` (no camera, microphone, geolocation, payment, ...),
  ``Cross-Origin-Opener-Policy`` and ``Cross-Origin-Resource-Policy: same-origin``;
- ``Strict-Transport-Security`` when the request came over HTTPS.

``must_not_store`` decides which answers may carry patient data or credentials; those get
``Cache-Control: no-store`` (and ``Pragma: no-cache`` for HTTP/1.0 caches) in place of any
``Cache-Control`` a route set. The rule goes by how the request was made, not by a list of
routes, so a new clinical route is covered without being named.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pinpoint.web.security import UNSAFE_METHODS, authenticated

Header = tuple[bytes, bytes]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",  # the API docs' stylesheet draws its icons as data: SVGs
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HTTPS_ONLY_HEADERS: dict[str, str] = {"Strict-Transport-Security": "max-age=31536000"}
NO_STORE_HEADERS: dict[str, str] = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _raw(headers: dict[str, str]) -> list[Header]:
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]


_ALWAYS = _raw(SECURITY_HEADERS)
_HTTPS = _raw(HTTPS_ONLY_HEADERS)
_NO_STORE = _raw(NO_STORE_HEADERS)
# Replaced on private answers. ``Expires`` stays: ``no-store`` overrides it for caches, and
# FHIR bulk export uses it to say when the export's files go away.
_CACHING = frozenset({b"cache-control", b"pragma"})


def must_not_store(scope: Scope, response_headers: Iterable[Header]) -> bool:
    """Whether an answer may carry patient data or credentials, so no cache may keep it.

    True for a request that changes something (the token and login answers included), that
    sends an ``Authorization`` header, that authenticated as someone (a bearer token or the
    session cookie; pages then show that person's data and CSRF token), or whose answer
    sets a cookie. Public answers (law, directory, static files) stay cacheable.
    """
    if scope["method"] in UNSAFE_METHODS or authenticated(scope.get("state", {})):
        return True
    for name, _ in response_headers:
        if name == b"set-cookie":  # ASGI header names are lower-case
            return True
    return any(name == b"authorization" for name, _ in scope["headers"])


def with_security_headers(scope: Scope, headers: Iterable[Header]) -> list[Header]:
    """The answer's headers with the security headers added and caching decided."""
    out = list(headers)
    if must_not_store(scope, out):
        out = [(name, value) for name, value in out if name.lower() not in _CACHING]
        out += _NO_STORE
    out += _ALWAYS
    if scope["scheme"] == "https":
        out += _HTTPS
    return out


class SecureHeaders:
    """Pure ASGI middleware: every HTTP answer leaves with ``with_security_headers``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(scope, message.get("headers", ()))
            await send(message)

        await self.app(scope, receive, send_secured)
