"""The application factory: ``create_app(settings)`` builds everything, nothing at import."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from pinpoint import __version__
from pinpoint.config import Settings, get_settings
from pinpoint.law.knowledge import use_folder as use_law_folder
from pinpoint.web import errors, failures
from pinpoint.web.api import audit as audit_api
from pinpoint.web.api import auth as auth_api
from pinpoint.web.api import care as care_api
from pinpoint.web.api import credentials as credentials_api
from pinpoint.web.api import directory as directory_api
from pinpoint.web.api import law as law_api
from pinpoint.web.api import outcomes as outcomes_api
from pinpoint.web.api import progress as progress_api
from pinpoint.web.fhir import router as fhir_router
from pinpoint.web.headers import SecureHeaders
from pinpoint.web.limits import BodyLimit
from pinpoint.web.pages import routes as pages

WEB = resources.files("pinpoint.web")


class PinpointApp(FastAPI):
    """FastAPI with the security headers outside everything, error answers included."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecureHeaders(super().build_middleware_stack())


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    use_law_folder(settings.law_dir)  # an operator's law corrections, checked before serving
    app = PinpointApp(
        title="Pinpoint",
        version=__version__,
        summary="Dry needling law, practitioners and clinic records.",
        docs_url=None,  # served by pages.api_docs, from the package and without inline script
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=str(WEB / "templates"))
    errors.install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    failures.install(app)
    if settings.trusted_proxy_list():
        # Outermost, so every layer sees the real client address and scheme.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list())
    app.include_router(law_api.router, prefix="/api/v1")
    app.include_router(directory_api.router, prefix="/api/v1")
    app.include_router(credentials_api.router, prefix="/api/v1")
    app.include_router(auth_api.router, prefix="/api/v1")
    app.include_router(audit_api.router, prefix="/api/v1")
    app.include_router(care_api.router, prefix="/api/v1")
    app.include_router(fhir_router)
    app.include_router(outcomes_api.router, prefix="/api/v1")
    app.include_router(progress_api.router, prefix="/api/v1")
    app.include_router(progress_api.charts_router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    return app
