"""uvicorn factories for A/B runs of the same app with and without the hardening layers.

``hardened`` is the app as served (security headers, body limit); ``unhardened`` is the
same app built by ``create_app`` with those two middlewares taken out again, the baseline
for ``bench_http_headers.py``.
"""

from __future__ import annotations

from types import MethodType

from fastapi import FastAPI

from pinpoint.config import get_settings
from pinpoint.web.app import create_app
from pinpoint.web.limits import BodyLimit


def hardened() -> FastAPI:
    return create_app(get_settings())


def unhardened() -> FastAPI:
    app = create_app(get_settings())
    app.user_middleware = [m for m in app.user_middleware if m.cls is not BodyLimit]
    # FastAPI's own stack, without the SecureHeaders wrapper of PinpointApp.
    app.build_middleware_stack = MethodType(FastAPI.build_middleware_stack, app)  # type: ignore[method-assign]
    return app
