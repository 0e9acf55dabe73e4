"""Loading law data files into an indexed, read-only knowledge base.

The shipped files live inside the package. An operator may point ``PINPOINT_LAW_DIR``
at a folder of files in the same format: each file there replaces the shipped file of
its jurisdiction (or adds one), and goes through the same schema and checks.
"""

from __future__ import annotations

import os
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pinpoint.errors import DataError
from pinpoint.law.data_schema import ClaimData, JurisdictionFile, RecordData
from pinpoint.law.dates import PartialDate
from pinpoint.law.jurisdictions import BY_CODE
from pinpoint.law.precedence import Disagreement, claim_date, disagreements, is_estimate
from pinpoint.law.vocabulary import Profession, Status

DATA_DIR = resources.files("pinpoint.law") / "data" / "jurisdictions"
LAW_DIR_ENV = "PINPOINT_LAW_DIR"  # config.Settings.law_dir documents the same variable

Folder = Path | resources.abc.Traversable


@dataclass(frozen=True)
class Period:
    """One curated record with everything needed to answer for it."""

    jurisdiction: str
    record: RecordData
    supporting: tuple[ClaimData, ...]
    conflicts: tuple[Disagreement, ...]
    since: PartialDate | None = None

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

    def reviewed_on(self, jurisdiction: str) -> PartialDate | None:
        data = self.files.get(jurisdiction)
        return data.reviewed_on if data else None


def _where(raw: Any, loc: tuple[int | str, ...]) -> str:
    """``record 3 (physical_therapist from 2015-07-01), field requirements.notes``."""
    if len(loc) >= 2 and loc[0] in ("records", "claims") and isinstance(loc[1], int):
        kind, index = str(loc[0]), loc[1]
        items = raw.get(kind) if isinstance(raw, dict) else None
        item = items[index] if isinstance(items, list) and index < len(items) else {}
        item = item if isinstance(item, dict) else {}
        if kind == "records":
            profession, start = item.get("profession", "?"), item.get("valid_from", "?")
            label = f"record {index + 1} ({profession} from {start})"
        else:
            label = f"claim {index + 1} ({item.get('id', '?')})"
        rest = ".".join(str(part) for part in loc[2:])
        return f"{label}, field {rest}" if rest else label
    return "field " + ".".join(str(part) for part in loc) if loc else "file"


def _describe(name: str, raw: Any, exc: ValidationError) -> str:
    problems = [f"{_where(raw, tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
    return f"law data file {name} is invalid: " + "; ".join(problems)


def read_file(path: Folder) -> JurisdictionFile:
    """Parse and validate one jurisdiction file, naming the file, record and field on failure."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"law data file {path.name} is not valid TOML: {exc}") from exc
    try:
        return JurisdictionFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(_describe(path.name, raw, exc)) from exc


def _place_claims(
    code: str, data: JurisdictionFile, kb: KnowledgeBase
) -> dict[int, list[ClaimData]]:
    """Assign each claim to the record whose period contains the claim's date.

    An estimated date (``as_of``) that falls before every record of its profession
    places the claim in the first record after it: an estimate is not a date.
    """
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
            if not target and is_estimate(claim):
                later = [(i, r) for i, r in records if r.valid_from.start > day]
                target = [min(later, key=lambda ir: ir[1].valid_from.start)] if later else []
        if target:
            placed[target[0][0]].append(claim)
        else:
            kb.unplaced.append((code, claim))
    return placed


def _own_since(record: RecordData, supporting: tuple[ClaimData, ...]) -> PartialDate | None:
    """When a period's status took effect, judged from that period alone."""
    if record.status is Status.UNKNOWN:
        return None
    if record.since is not None or record.since_unknown:
        return record.since
    if any(c.decided_on == record.valid_from for c in supporting):
        return record.valid_from
    return None


def _with_since(timeline: list[Period]) -> list[Period]:
    """Carry ``since`` across adjoining periods with the same status (a change of basis)."""
    result: list[Period] = []
    for period in timeline:
        previous = result[-1] if result else None
        continues = (
            previous is not None
            and previous.ends == period.starts
            and previous.record.status is period.record.status
        )
        since = previous.since if continues and previous else None
        if not continues:
            since = _own_since(period.record, period.supporting)
        result.append(
            Period(period.jurisdiction, period.record, period.supporting, period.conflicts, since)
        )
    return result


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
    for key, timeline in kb.periods.items():
        timeline.sort(key=lambda p: p.starts)
        kb.periods[key] = _with_since(timeline)
    return kb


def read_folder(folder: Folder) -> dict[str, JurisdictionFile]:
    """Every ``XX.toml`` in a folder, validated; the file name must match its jurisdiction."""
    files = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = read_file(entry)
            if data.jurisdiction not in BY_CODE:
                raise DataError(
                    f"{entry.name}: jurisdiction {data.jurisdiction} is not a US state, DC or PR"
                )
            if entry.name != f"{data.jurisdiction}.toml":
                raise DataError(f"{entry.name} holds jurisdiction {data.jurisdiction}")
            files[data.jurisdiction] = data
    return files


def load_directory(folder: Folder) -> KnowledgeBase:
    return build(read_folder(folder))


def overlay_folder(text: str) -> Path:
    """The overlay folder named by a setting, or DataError when it is not a folder."""
    path = Path(text).expanduser()
    if not path.is_dir():
        raise DataError(f"{LAW_DIR_ENV}={text!r} is not a folder of law data files")
    return path


def combined(overlay: Folder | None) -> dict[str, JurisdictionFile]:
    """The shipped files with an overlay folder's files in place of theirs."""
    files = read_folder(DATA_DIR)
    if overlay is not None:
        files.update(read_folder(overlay))
    return files


@lru_cache(maxsize=1)
def shipped() -> KnowledgeBase:
    """The knowledge base shipped inside the package (loaded once per process)."""
    return load_directory(DATA_DIR)


_chosen: list[str] = []  # set by use_folder(): the application's settings win over the environment


def use_folder(folder: Path | None) -> KnowledgeBase:
    """Answer from the shipped files overlaid with ``folder`` (None: as the environment says).

    Loads and checks the folder at once, so a bad folder fails at start-up, not at
    the first question; raises DataError naming the file, record and field.
    """
    _chosen[:] = [str(folder)] if folder is not None else []
    return current()


def overlay_key() -> str:
    """The overlay folder in force (``""`` when none): answers are cached per value."""
    if _chosen:
        return _chosen[0]
    return os.environ.get(LAW_DIR_ENV, "").strip()


@lru_cache(maxsize=4)
def _with_overlay(key: str) -> KnowledgeBase:
    from pinpoint.law.consistency import refuse_inconsistent

    kb = build(combined(overlay_folder(key)))
    refuse_inconsistent(kb, sorted(read_folder(overlay_folder(key))))
    return kb


def current() -> KnowledgeBase:
    """The knowledge base answers come from: shipped, or with the operator's overlay."""
    key = overlay_key()
    return _with_overlay(key) if key else shipped()
