"""Operator corrections without a release: check a folder of law files before using it.

``PINPOINT_LAW_DIR`` names a folder of ``XX.toml`` files in the shipped format; each
replaces the shipped file of its jurisdiction. :func:`check_folder` validates such a
folder with the same schema and checks, and says what would change: the status for
each of its jurisdictions and professions today and on every date a record starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pinpoint.errors import DataError, InvalidInput
from pinpoint.law.consistency import find_problems
from pinpoint.law.knowledge import KnowledgeBase, build, combined, read_folder, shipped
from pinpoint.law.service import status_in
from pinpoint.law.vocabulary import Profession, Status


@dataclass(frozen=True)
class StatusChange:
    """The answer for one jurisdiction, profession and date, before and with the folder."""

    jurisdiction: str
    profession: Profession
    on: date
    before: Status
    after: Status

    @property
    def changed(self) -> bool:
        return self.before is not self.after


@dataclass(frozen=True)
class FolderCheck:
    folder: str
    jurisdictions: list[str]
    problems: list[str]
    statuses: list[StatusChange]

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> list[StatusChange]:
        return [s for s in self.statuses if s.changed]


def _folder(path: Path) -> Path:
    if not path.is_dir():
        raise InvalidInput(f"{path} is not a folder of law data files", field="dir")
    return path


def _dates(code: str, profession: Profession, kbs: list[KnowledgeBase], today: date) -> list[date]:
    starts = {p.starts for kb in kbs for p in kb.timeline(code, profession)}
    return sorted(starts | {today})


def _statuses(
    codes: list[str], before: KnowledgeBase, after: KnowledgeBase, today: date
) -> list[StatusChange]:
    rows = []
    for code in codes:
        professions = set(before.professions_in(code)) | set(after.professions_in(code))
        for profession in [p for p in Profession if p in professions]:
            for day in _dates(code, profession, [before, after], today):
                rows.append(
                    StatusChange(
                        jurisdiction=code,
                        profession=profession,
                        on=day,
                        before=status_in(before, code, profession, day).status,
                        after=status_in(after, code, profession, day).status,
                    )
                )
    return rows


def check_folder(path: Path, today: date | None = None) -> FolderCheck:
    """Validate a folder of law files and list the answers it would change.

    A file that does not parse or fit the schema raises InvalidInput naming the file,
    the record and the field; failed consistency checks are returned as problems.
    """
    folder = _folder(path)
    try:
        overlay = read_folder(folder)
        merged = build(combined(folder))
    except DataError as exc:
        raise InvalidInput(exc.message, field="dir") from exc
    codes = sorted(overlay)
    problems = find_problems(merged, codes) if codes else [f"{folder}: no XX.toml law files"]
    return FolderCheck(
        folder=str(folder),
        jurisdictions=codes,
        problems=problems,
        statuses=_statuses(codes, shipped(), merged, today or date.today()),
    )
