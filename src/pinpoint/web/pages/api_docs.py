"""``/api/docs``: the interactive API reference (Swagger UI served from the package).

FastAPI's own docs page loads Swagger UI from a CDN and starts it with an inline script;
this one loads the vendored copy under ``/static/vendor/swagger-ui`` and starts it from
``/static/api-docs.js``, so it keeps to the site's Content-Security-Policy.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    templates = request.app.state.templates
    page: Response = templates.TemplateResponse(
        request, "api_docs.html", {"openapi_url": request.app.openapi_url}
    )
    return page
