"""Checks that the curated law records agree with their claims and with the rule.

Run ``python -m pinpoint.law.consistency [CODE ...]`` while editing the data files;
the test suite runs the same checks on every file.
"""

from __future__ import annotations

import itertools
import sys

from pinpoint.law.jurisdictions import ALL_CODES, MAPPED_CODES
from pinpoint.law.knowledge import DATA_DIR, KnowledgeBase, Period, load_directory
from pinpoint.law.vocabulary import Profession


def _timeline_problems(code: str, profession: Profession, timeline: list[Period]) -> list[str]:
    problems = []
    for earlier, later in itertools.pairwise(timeline):
        if earlier.ends is None or earlier.ends > later.starts:
            problems.append(
                f"{code} {profession}: period from {earlier.starts} overlaps the one from "
                f"{later.starts} (set valid_until)"
            )
    return problems


def _period_problems(period: Period) -> list[str]:
    where = f"{period.jurisdiction} {period.record.profession} from {period.starts}"
    problems = []
    if not any(c.status is period.record.status for c in period.supporting):
        problems.append(f"{where}: no supporting claim states status {period.record.status}")
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


def find_problems(kb: KnowledgeBase, codes: list[str] | None = None) -> list[str]:
    """Every inconsistency in the knowledge base, as one readable line each."""
    wanted = set(codes or ALL_CODES)
    problems: list[str] = []
    for code in sorted(wanted):
        if code in MAPPED_CODES and code not in kb.files:
            problems.append(f"{code}: no data file")
    for (code, profession), timeline in kb.periods.items():
        if code in wanted:
            problems += _timeline_problems(code, profession, timeline)
            for period in timeline:
                problems += _period_problems(period)
    for code, claim in kb.unplaced:
        if code in wanted:
            problems.append(
                f"{code}: claim {claim.id} ({claim.profession}) speaks to a date no record covers"
            )
    return problems


def main(argv: list[str]) -> int:
    kb = load_directory(DATA_DIR)
    problems = find_problems(kb, [a.upper() for a in argv] or None)
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s) in {len(kb.files)} file(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
