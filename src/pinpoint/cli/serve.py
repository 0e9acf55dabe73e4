"""``pinpoint serve``: the web app and API."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).", min=1, max=65535)] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Use synthetic demo data.")] = False,
    workers: Annotated[int | None, typer.Option(help="Worker processes.", min=1, max=64)] = None,
) -> None:
    """Serve the pages, the JSON API (/api/v1) and its OpenAPI at /openapi.json."""
    from pinpoint.web.server import run_server

    run_server(host=host, port=port, demo=demo, workers=workers)
