"""Writing resources as NDJSON, one file per resource type, as they come."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from pinpoint.fhir.datatypes import Json


@dataclass(frozen=True)
class OutputFile:
    type: str
    name: str
    count: int


class NdjsonFolder:
    """Opens ``{Type}.ndjson`` in ``folder`` on the first resource of each type."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, BinaryIO] = {}
        self._counts: dict[str, int] = {}

    def write(self, resource: Json) -> None:
        kind = resource["resourceType"]
        out = self._files.get(kind)
        if out is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            out = self._files[kind] = (self.folder / f"{kind}.ndjson").open("wb")
            self._counts[kind] = 0
        out.write(orjson.dumps(resource))
        out.write(b"\n")
        self._counts[kind] += 1

    @property
    def written(self) -> int:
        return sum(self._counts.values())

    def close(self) -> list[OutputFile]:
        """Close every file; the files written, in the order their types first came."""
        for out in self._files.values():
            out.close()
        return [OutputFile(kind, f"{kind}.ndjson", n) for kind, n in self._counts.items()]

    def __enter__(self) -> NdjsonFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        for out in self._files.values():
            if not out.closed:
                out.close()
