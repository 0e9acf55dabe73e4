"""Starting the web server: migrate, prepare demo data if asked, then run uvicorn."""

from __future__ import annotations

import os
import sys

from fastapi import FastAPI

from pinpoint.config import Settings, get_settings


def prepare(settings: Settings) -> None:
    """Check the database can be written, bring it up to date (and load demo data) before
    workers start; a database that cannot be used stops the server here, naming why."""
    from pinpoint.db.preflight import open_database

    engine, warnings = open_database(settings)
    for message in warnings:
        sys.stderr.write(f"warning: {message}\n")
    try:
        if settings.demo:
            from pinpoint.demo import load_demo

            load_demo(engine, settings)
    finally:
        engine.dispose()


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers: settings come from PINPOINT_* variables."""
    from pinpoint.web.app import create_app

    return create_app(get_settings())


def run_server(
    host: str | None = None, port: int | None = None, demo: bool = False, workers: int | None = None
) -> None:
    import uvicorn

    overrides = {"demo": True} if demo else {}
    settings = get_settings().model_copy(update=overrides)
    prepare(settings)
    if demo:
        os.environ["PINPOINT_DEMO"] = "1"
    uvicorn.run(
        "pinpoint.web.server:app_from_env",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
        access_log=settings.access_log,
        proxy_headers=False,
    )
