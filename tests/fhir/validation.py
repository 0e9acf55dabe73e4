"""Checking resources against HL7's FHIR R4 JSON schema and the ``fhir.resources`` R4B models.

``check(resource)`` validates a resource (a Bundle's entries each on their own) and counts
it; ``COUNTS`` holds how many of each type passed in this test process.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator

from pinpoint.fhir.validation import parse_resource

SCHEMA_FILE = Path(__file__).parent / "schema" / "fhir.schema.json"
COUNTS: Counter[str] = Counter()


@cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(resource_type: str) -> Draft6Validator:
    schema = _schema()
    if resource_type not in schema["discriminator"]["mapping"]:
        raise AssertionError(f"{resource_type} is not an R4 resource type")
    definitions = schema["definitions"]
    if resource_type in ("Bundle", "Parameters"):
        # Envelopes: entry resources are checked one by one against their own definitions.
        definitions = copy.copy(definitions)
        definitions["ResourceList"] = {"type": "object", "required": ["resourceType"]}
    return Draft6Validator({"$ref": f"#/definitions/{resource_type}", "definitions": definitions})


def schema_errors(resource: dict[str, Any]) -> list[str]:
    """Every schema error of the resource (and of a Bundle's entries), as path: message."""
    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        return ["resourceType is missing"]
    errors = [
        f"{kind}.{'.'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in _validator(kind).iter_errors(resource)
    ]
    for i, entry in enumerate(resource.get("entry", []) if kind == "Bundle" else []):
        if "resource" in entry:
            errors += [f"entry[{i}].{e}" for e in schema_errors(entry["resource"])]
    return errors


def empty_values(value: Any, path: str = "") -> list[str]:
    """FHIR JSON has no nulls, empty strings, arrays or objects (json.html, "JSON
    representation"): each one found, by path."""
    if value is None or value in ("", [], {}):
        return [f"{path or 'resource'}: empty value {value!r}"]
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in empty_values(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [e for i, v in enumerate(value) for e in empty_values(v, f"{path}[{i}]")]
    return []


def check(resource: dict[str, Any]) -> dict[str, Any]:
    """Assert the resource is valid R4 (schema) and parses as R4B; count it. Returns it."""
    errors = schema_errors(resource) + empty_values(resource)
    assert errors == [], errors[:5]
    parse_resource(resource)  # raises on anything the R4B models refuse
    _count(resource)
    return resource


def _count(resource: dict[str, Any]) -> None:
    COUNTS[resource["resourceType"]] += 1
    if resource["resourceType"] == "Bundle":
        for entry in resource.get("entry", []):
            if "resource" in entry:
                _count(entry["resource"])


def check_ndjson(text: str) -> list[dict[str, Any]]:
    """Every line of an NDJSON file, each checked."""
    return [check(json.loads(line)) for line in text.splitlines() if line.strip()]
