"""Checks that the curated law records agree with their claims and with the rule.

Run ``python -m pinpoint.law.consistency [CODE ...]`` while editing the shipped data
files, or ``pinpoint law check DIR`` for an operator's folder; the test suite runs the
same checks on every shipped file, and an overlay that fails them is refused.
"""

from __future__ import annotations

import itertools
import sys

from pinpoint.errors import DataError
from pinpoint.law.data_schema import REQUIREMENT_FIELDS, ClaimData, JurisdictionFile, RecordData
from pinpoint.law.dates import PartialDate
from pinpoint.law.jurisdictions import ALL_CODES, MAPPED_CODES
from pinpoint.law.knowledge import DATA_DIR, KnowledgeBase, Period, load_directory
from pinpoint.law.precedence import claim_date, stated_dates
from pinpoint.law.vocabulary import Profession, Status


def _label(period: Period) -> str:
    return f"{period.jurisdiction} {period.record.profession} from {period.record.valid_from}"


def _timeline_problems(code: str, profession: Profession, timeline: list[Period]) -> list[str]:
    problems = []
    for earlier, later in itertools.pairwise(timeline):
        if earlier.ends is None or earlier.ends > later.starts:
            problems.append(
                f"{code} {profession}: period from {earlier.starts} overlaps the one from "
                f"{later.starts} (set valid_until)"
            )
    return problems


def _status_problems(period: Period) -> list[str]:
    where = _label(period)
    problems = []
    record = period.record
    judged_unknown = record.status is Status.UNKNOWN and bool(record.choice_note)
    if not judged_unknown and not any(c.status is record.status for c in period.supporting):
        problems.append(f"{where}: no supporting claim states status {record.status}")
    for claim in period.supporting:
        if claim.profession is not period.record.profession:
            problems.append(f"{where}: supporting claim {claim.id} is about {claim.profession}")
    for conflict in period.conflicts:
        if conflict.outranked:
            continue
        if conflict.tied and period.record.choice_note:
            continue
        problems.append(
            f"{where}: claim {conflict.claim.id} ({conflict.field}={conflict.claimed}) outranks "
            f"or ties the record's choice ({conflict.chosen}) without a choice_note"
        )
    return problems


def _start_problems(period: Period) -> list[str]:
    """A period may not start before every source it rests on speaks."""
    dates = [d for c in period.supporting if (d := claim_date(c)) is not None]
    if dates and min(dates) <= period.starts:
        return []
    earliest = min(dates).isoformat() if dates else "no date"
    return [f"{_label(period)}: starts before its sources' date (earliest: {earliest})"]


def _requirement_problems(period: Period, claims: dict[str, ClaimData]) -> list[str]:
    """Every requirement the record shows must be stated by one of its sources."""
    record = period.record
    ids = record.requirement_sources or record.sources
    backing = [claims[i] for i in dict.fromkeys([*ids, *record.sources])]
    problems = []
    for name in REQUIREMENT_FIELDS:
        value = getattr(record.requirements, name)
        if value is None:
            continue
        if not any(getattr(c, name) == value for c in backing):
            problems.append(
                f"{_label(period)}: requirement {name}={value} is not stated by any of its "
                f"sources ({', '.join(ids)})"
            )
    if record.who_may_needle and not any(c.who_may_needle for c in backing):
        problems.append(f"{_label(period)}: who_may_needle is not stated by any of its sources")
    return problems


def _record_dates(data: JurisdictionFile, record: RecordData) -> set[PartialDate]:
    """Dates a record may start or end on: dates its profession's sources state."""
    return {d for c in data.claims if c.profession is record.profession for d in stated_dates(c)}


def _placeholder_problems(data: JurisdictionFile) -> list[str]:
    """valid_from, valid_until and since must be dates a source states, never estimates."""
    problems = []
    for record in data.records:
        allowed = _record_dates(data, record)
        starts = {r.valid_from for r in data.records if r.profession is record.profession}
        where = f"{data.jurisdiction} {record.profession} from {record.valid_from}"
        if record.valid_from not in allowed:
            problems.append(f"{where}: valid_from {record.valid_from} is a placeholder date")
        if record.valid_until is not None and record.valid_until not in allowed | starts:
            problems.append(f"{where}: valid_until {record.valid_until} is a placeholder date")
        if record.since is not None and record.since not in allowed:
            problems.append(f"{where}: since {record.since} is a placeholder date")
    return problems


def find_problems(kb: KnowledgeBase, codes: list[str] | None = None) -> list[str]:
    """Every inconsistency in the knowledge base, as one readable line each."""
    wanted = set(codes or ALL_CODES)
    problems: list[str] = []
    for code in sorted(wanted):
        if code in MAPPED_CODES and code not in kb.files:
            problems.append(f"{code}: no data file")
        elif code in kb.files:
            problems += _placeholder_problems(kb.files[code])
    for (code, profession), timeline in sorted(kb.periods.items()):
        if code not in wanted:
            continue
        claims = {c.id: c for c in kb.files[code].claims}
        problems += _timeline_problems(code, profession, timeline)
        for period in timeline:
            problems += _status_problems(period)
            problems += _start_problems(period)
            problems += _requirement_problems(period, claims)
    for code, claim in kb.unplaced:
        if code in wanted:
            problems.append(
                f"{code}: claim {claim.id} ({claim.profession}) speaks to a date no record covers"
            )
    return problems


def refuse_inconsistent(kb: KnowledgeBase, codes: list[str]) -> None:
    """Raise DataError listing every problem in these jurisdictions, if there is one."""
    problems = find_problems(kb, codes)
    if problems:
        raise DataError("law data does not pass the checks: " + "; ".join(problems))


def main(argv: list[str]) -> int:
    kb = load_directory(DATA_DIR)
    problems = find_problems(kb, [a.upper() for a in argv] or None)
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s) in {len(kb.files)} file(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
