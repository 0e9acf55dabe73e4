"""The user docs name every CLI command and API route that exists, so they cannot drift."""

from __future__ import annotations

from pathlib import Path

import typer.main

from pinpoint.cli import app
from pinpoint.config import Settings
from pinpoint.web.app import create_app

DOCS = Path(__file__).parent.parent / "docs"


def _commands(group: object, prefix: str = "pinpoint") -> list[str]:
    found = []
    for name, command in getattr(group, "commands", {}).items():
        path = f"{prefix} {name}"
        sub = _commands(command, path)
        found += sub or [path]
    return found


def test_every_cli_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = _commands(typer.main.get_command(app))
    assert commands
    missing = [c for c in commands if f"`{c}" not in text]
    assert missing == []


def test_every_api_route_is_documented(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}")
    schema = create_app(settings).openapi()
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    missing = [path for path in schema["paths"] if path not in text]
    assert missing == []


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    names = [f"PINPOINT_{name.upper()}" for name in Settings.model_fields]
    assert names
    assert [name for name in names if f"`{name}`" not in table] == []
