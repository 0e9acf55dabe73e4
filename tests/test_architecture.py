"""Imports only go down (HOUSE_STYLE rules 3 and 16), and this test says which way is down.

The layers, bottom first:

- ``base``: settings, errors, the database layer and who is acting (``pinpoint.actors``);
- ``law``, the knowledge base, then ``audit`` (the append-only log);
- ``directory`` (practitioners, uses the law), then ``accounts`` (clinics, users, logins);
- ``care`` (clinical records), ``outcomes`` (scores, alerts, progress), then ``fhir`` and
  ``registry``, which read the clinical domains and never each other;
- ``app`` on top: ``web`` and ``cli`` and the demo loader. ``cli`` may start ``web``;
  ``web`` never reaches into ``cli``.

A package may import itself and the packages listed for it, nothing else. A new package
must be added here before it can import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src" / "pinpoint"

_BASE_MODULES = {"__init__", "actors", "config", "errors", "inputs", "db"}
_DOMAINS_BELOW_APP = {
    "base",
    "law",
    "audit",
    "directory",
    "accounts",
    "care",
    "outcomes",
    "fhir",
    "registry",
}

ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "law": {"base"},
    "audit": {"base"},
    "directory": {"base", "law"},
    "accounts": {"base", "law", "audit", "directory"},
    "care": {"base", "law", "audit", "directory", "accounts"},
    "outcomes": {"base", "law", "audit", "directory", "accounts", "care"},
    "fhir": {"base", "law", "audit", "directory", "accounts", "care", "outcomes"},
    "registry": {"base", "law", "audit", "accounts", "care", "outcomes"},
    "web": _DOMAINS_BELOW_APP | {"demo"},
    "cli": _DOMAINS_BELOW_APP | {"demo", "web"},
    "demo": _DOMAINS_BELOW_APP,
}

# Domain code never imports the frameworks of the layers above it.
FRAMEWORKS = ("fastapi", "starlette", "typer", "click", "uvicorn", "jinja2")
APP_LAYERS = {"web", "cli"}


def layer_of(module: str) -> str:
    """The layer of a dotted module name inside ``pinpoint`` (``pinpoint.care.x`` -> care)."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top == "__main__":  # ``python -m pinpoint`` is the command line
        return "cli"
    return "base" if top in _BASE_MODULES else top


def _module_name(path: Path) -> str:
    relative = path.relative_to(SRC.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[str]:
    """Every module a file imports (relative imports resolved)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.append(module)
            names += [f"{module}.{alias.name}" for alias in node.names if node.module is None]
    return names


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def test_every_package_has_a_place_in_the_layers() -> None:
    layers = {layer_of(_module_name(path)) for path in _sources()}
    assert layers - set(ALLOWED) == set()


def test_imports_only_go_down() -> None:
    offenders = []
    for path in _sources():
        here = layer_of(_module_name(path))
        for name in _imports(path):
            if not name.startswith("pinpoint"):
                continue
            there = layer_of(name)
            if there != here and there not in ALLOWED[here]:
                offenders.append(f"{path.relative_to(SRC)} ({here}) imports {name} ({there})")
    assert offenders == []


def test_domain_code_never_imports_web_frameworks() -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _sources()
        if layer_of(_module_name(path)) not in APP_LAYERS
        for name in _imports(path)
        if name.split(".")[0] in FRAMEWORKS
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("pinpoint.law.service", "pinpoint.care.models"),
        ("pinpoint.accounts.service", "pinpoint.care.models"),
        ("pinpoint.audit.service", "pinpoint.accounts.models"),
        ("pinpoint.care.service", "pinpoint.outcomes.scoring"),
        ("pinpoint.fhir.mappers", "pinpoint.registry.export"),
        ("pinpoint.care.service", "pinpoint.web.app"),
        ("pinpoint.web.app", "pinpoint.cli.serve"),
    ],
)
def test_the_rules_refuse_an_upward_import(importer: str, imported: str) -> None:
    here, there = layer_of(importer), layer_of(imported)
    assert there not in ALLOWED[here]


def test_modules_map_to_their_layers() -> None:
    assert layer_of("pinpoint.actors") == "base"
    assert layer_of("pinpoint.db.engine") == "base"
    assert layer_of("pinpoint.care.access") == "care"
    assert layer_of("pinpoint") == "base"
