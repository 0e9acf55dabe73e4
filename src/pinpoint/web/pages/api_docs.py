"""``/api/docs``: the interactive API reference (Swagger UI served from the package).

FastAPI's own docs page loads Swagger UI from a CDN and starts it with an inline script;
this one loads the vendored copy under ``/static/vendor/swagger-ui`` and starts it from
``/static/api-docs.js``, so it keeps to the site's Content-Security-Policy.

The Swagger UI bundle (1.7 MB of minified JavaScript) is kept compressed in the package,
exactly as npm ships it but gzipped (458 KB), and served as it is stored to every browser
that accepts gzip (all of them), decompressed for a client that does not.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

BUNDLE_PATH = "/static/vendor/swagger-ui/swagger-ui-bundle.js"
_BUNDLE_FILE = ("static", "vendor", "swagger-ui", "swagger-ui-bundle.js.gz")
_JAVASCRIPT = "text/javascript; charset=utf-8"


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    templates = request.app.state.templates
    page: Response = templates.TemplateResponse(
        request, "api_docs.html", {"openapi_url": request.app.openapi_url}
    )
    return page


@cache
def _bundle() -> bytes:
    """The gzipped bundle, read once per process."""
    return resources.files("pinpoint.web").joinpath(*_BUNDLE_FILE).read_bytes()


@router.get(BUNDLE_PATH)
def swagger_ui_bundle(request: Request) -> Response:
    headers = {"Vary": "Accept-Encoding", "Cache-Control": "public, max-age=86400"}
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        headers["Content-Encoding"] = "gzip"
        return Response(_bundle(), media_type=_JAVASCRIPT, headers=headers)
    return Response(gzip.decompress(_bundle()), media_type=_JAVASCRIPT, headers=headers)
