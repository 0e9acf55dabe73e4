"""Parsing resources with the ``fhir.resources`` R4B models (FHIR 4.3.0, wire-compatible
with R4 for every resource Pinpoint reads or writes).

The importer parses every incoming resource here, and the tests parse every resource
Pinpoint serves; errors come back as FHIR paths (``Patient.birthDate``).
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from pinpoint.errors import InvalidInput


class ResourceErrors(InvalidInput):
    """A resource the models refuse; ``issues`` are (FHIR path, message) pairs."""

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        first = f"{issues[0][0]}: {issues[0][1]}" if issues else "invalid resource"
        super().__init__(first, field=issues[0][0] if issues else None)
        self.issues = issues


def parse_resource(resource: dict[str, Any], path: str | None = None) -> Any:
    """The R4B model instance of ``resource``; ResourceErrors naming each bad element.

    ``path`` prefixes the element paths (``Patient[3]``); the default is the type name.
    """
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    prefix = path or (kind if isinstance(kind, str) else "resource")
    if not isinstance(kind, str):
        raise ResourceErrors([(prefix, "resourceType is missing")])
    try:
        model = get_fhir_model_class(kind)
    except KeyError:
        raise ResourceErrors([(f"{prefix}.resourceType", f"unknown type {kind!r}")]) from None
    try:
        return model.model_validate(resource)
    except ValidationError as exc:
        raise ResourceErrors(
            [(_path(prefix, err["loc"]), err["msg"]) for err in exc.errors()]
        ) from None


def _path(prefix: str, loc: tuple[int | str, ...]) -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part != "__root__":
            out += f".{part}"
    return out
