"""Loading the shipped law data into an indexed, read-only knowledge base."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from pinpoint.errors import DataError
from pinpoint.law.data_schema import ClaimData, JurisdictionFile, RecordData
from pinpoint.law.precedence import Disagreement, claim_date, disagreements
from pinpoint.law.vocabulary import Profession

DATA_DIR = resources.files("pinpoint.law") / "data" / "jurisdictions"


@dataclass(frozen=True)
class Period:
    """One curated record with everything needed to answer for it."""

    jurisdiction: str
    record: RecordData
    supporting: tuple[ClaimData, ...]
    conflicts: tuple[Disagreement, ...]

    @property
    def starts(self) -> date:
        return self.record.valid_from.start

    @property
    def ends(self) -> date | None:
        return self.record.valid_until.start if self.record.valid_until else None

    def covers(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day < self.ends)


@dataclass
class KnowledgeBase:
    """Every jurisdiction's periods, by (jurisdiction, profession), oldest first."""

    files: dict[str, JurisdictionFile]
    periods: dict[tuple[str, Profession], list[Period]] = field(default_factory=dict)
    unplaced: list[tuple[str, ClaimData]] = field(default_factory=list)

    def timeline(self, jurisdiction: str, profession: Profession) -> list[Period]:
        return self.periods.get((jurisdiction, profession), [])

    def period_on(self, jurisdiction: str, profession: Profession, day: date) -> Period | None:
        for period in self.timeline(jurisdiction, profession):
            if period.covers(day):
                return period
        return None

    def professions_in(self, jurisdiction: str) -> list[Profession]:
        return [p for p in Profession if (jurisdiction, p) in self.periods]


def read_file(path: Path | resources.abc.Traversable) -> JurisdictionFile:
    """Parse and validate one jurisdiction file, naming the file on failure."""
    try:
        return JurisdictionFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise DataError(f"law data file {path.name} is invalid: {exc}") from exc


def _place_claims(
    code: str, data: JurisdictionFile, kb: KnowledgeBase
) -> dict[int, list[ClaimData]]:
    """Assign each claim to the record whose period contains the claim's date."""
    placed: dict[int, list[ClaimData]] = defaultdict(list)
    for claim in data.claims:
        records = [(i, r) for i, r in enumerate(data.records) if r.profession is claim.profession]
        day = claim_date(claim)
        if day is None:
            target = [max(records, key=lambda ir: ir[1].valid_from.start)] if records else []
        else:
            target = [
                (i, r)
                for i, r in records
                if r.valid_from.start <= day
                and (r.valid_until is None or day < r.valid_until.start)
            ]
        if target:
            placed[target[0][0]].append(claim)
        else:
            kb.unplaced.append((code, claim))
    return placed


def build(files: dict[str, JurisdictionFile]) -> KnowledgeBase:
    """Index the files: periods per jurisdiction and profession, with their conflicts."""
    kb = KnowledgeBase(files=files)
    for code, data in files.items():
        claims_by_id = {c.id: c for c in data.claims}
        placed = _place_claims(code, data, kb)
        for index, record in enumerate(data.records):
            period = Period(
                jurisdiction=code,
                record=record,
                supporting=tuple(claims_by_id[i] for i in record.sources),
                conflicts=tuple(disagreements(record, placed[index], claims_by_id)),
            )
            kb.periods.setdefault((code, record.profession), []).append(period)
    for timeline in kb.periods.values():
        timeline.sort(key=lambda p: p.starts)
    return kb


def load_directory(folder: Path | resources.abc.Traversable) -> KnowledgeBase:
    files = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = read_file(entry)
            if entry.name != f"{data.jurisdiction}.toml":
                raise DataError(f"{entry.name} holds jurisdiction {data.jurisdiction}")
            files[data.jurisdiction] = data
    return build(files)


@lru_cache(maxsize=1)
def shipped() -> KnowledgeBase:
    """The knowledge base shipped inside the package (loaded once per process)."""
    return load_directory(DATA_DIR)
