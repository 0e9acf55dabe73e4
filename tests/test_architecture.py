"""Domain code stays free of the web and CLI layers (HOUSE_STYLE rule 3)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src" / "pinpoint"
DOMAINS = ["law", "directory", "care", "outcomes", "fhir", "db"]
FORBIDDEN = ("fastapi", "starlette", "typer", "click", "uvicorn", "pinpoint.web", "pinpoint.cli")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("domain", [d for d in DOMAINS if (SRC / d).is_dir()])
def test_domain_modules_never_import_web_or_cli(domain: str) -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in sorted((SRC / domain).rglob("*.py"))
        for name in _imports(path)
        if name.startswith(FORBIDDEN)
    ]
    assert offenders == []
