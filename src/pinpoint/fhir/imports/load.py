"""Reading an import: an NDJSON folder (one unit per file) or one Bundle (one unit)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from pinpoint.errors import InvalidInput
from pinpoint.fhir.datatypes import Json
from pinpoint.fhir.imports.convert import Issue


@dataclass
class Item:
    """One resource and the FHIR path it is reported by (``Patient[3]``)."""

    path: str
    resource: Json


@dataclass
class Unit:
    """What is imported all or nothing: an NDJSON file, or a Bundle."""

    name: str
    items: list[Item] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def load(path: Path) -> list[Unit]:
    if path.is_dir():
        files = sorted(path.glob("*.ndjson"))
        if not files:
            raise InvalidInput(f"no .ndjson files in {path}", field="path")
        return [_ndjson(f) for f in files]
    if not path.is_file():
        raise InvalidInput(f"{path} is neither an NDJSON folder nor a file", field="path")
    if path.suffix == ".ndjson":
        return [_ndjson(path)]
    return [_bundle(path)]


def _ndjson(path: Path) -> Unit:
    unit = Unit(path.name)
    seen: Counter[str] = Counter()
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                resource = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                unit.issues.append(Issue(f"{path.name}:{number}", f"not JSON ({exc.msg})"))
                continue
            kind = resource.get("resourceType") if isinstance(resource, dict) else None
            if not isinstance(kind, str):
                unit.issues.append(Issue(f"{path.name}:{number}", "not a FHIR resource"))
                continue
            unit.items.append(Item(f"{kind}[{seen[kind]}]", resource))
            seen[kind] += 1
    return unit


def _bundle(path: Path) -> Unit:
    unit = Unit(path.name)
    try:
        data = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"{path.name} is not JSON ({exc.msg})", field="path") from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise InvalidInput(f"{path.name} is not a FHIR Bundle", field="path")
    for i, entry in enumerate(data.get("entry", [])):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            unit.issues.append(Issue(f"Bundle.entry[{i}]", "has no resource"))
            continue
        unit.items.append(Item(f"Bundle.entry[{i}].resource", resource))
    return unit
