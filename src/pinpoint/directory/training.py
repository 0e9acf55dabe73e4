"""Training records and board filings -> eligibility facts: the one place they become facts.

The one rule for courses (SPEC: several courses add up): hours, in-person hours and
supervised sessions are summed over the courses, "licensed since" is the earliest date any
course record gives, and years licensed are counted from it to the day the law is applied.
A practitioner without a course has no facts at all (every requirement unshown).

The rule for board filings: the practitioner is ``registered`` when a filing with the board
of the state being judged is in force on the day judged (filed by then, and not past its
``expires_on``, the last day it is in force); otherwise it is not on record (None), never
False, because a filing Pinpoint has not been told about may still have been made.

The directory judges a practitioner where they practise, on all their courses; a clinic
session judges the needler in the clinic's state on the courses completed by the session
date (``completed_by``) and the filings in force that day. The search index reads the same
sums and filings from the database in bulk (:data:`TOTALS_SQL`, :data:`FILINGS_SQL`) and
applies the same functions; tests keep the two paths in agreement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from pinpoint.errors import InvalidInput
from pinpoint.law.eligibility import Eligibility, PractitionerFacts, Verdict
from pinpoint.law.service import practitioner_eligibility
from pinpoint.law.vocabulary import Profession

DAYS_PER_YEAR = 365.25


class TrainingRecord(Protocol):
    """What a course record carries that counts (a ``TrainingCredential`` row has it)."""

    @property
    def hours(self) -> float: ...
    @property
    def in_person_hours(self) -> float | None: ...
    @property
    def licensed_since(self) -> date | None: ...
    @property
    def supervised_sessions(self) -> int | None: ...
    @property
    def completed_on(self) -> date: ...


@dataclass(frozen=True)
class TrainingTotals:
    """A practitioner's courses added up; ``None`` where no course gives the fact."""

    hours: float | None = None
    in_person_hours: float | None = None
    licensed_since: date | None = None
    supervised_sessions: int | None = None


NO_TRAINING = TrainingTotals()


class FilingRecord(Protocol):
    """What a board filing carries that counts (a ``BoardFiling`` row has it)."""

    @property
    def state(self) -> str: ...
    @property
    def filed_on(self) -> date: ...
    @property
    def expires_on(self) -> date | None: ...


@dataclass(frozen=True)
class FilingDates:
    """A board filing as the search index keeps it."""

    state: str
    filed_on: date
    expires_on: date | None = None


# The same sums per NPI in SQL, for reading a whole directory at once ...
_TOTALS = """
    SELECT npi, SUM(hours) AS hours, SUM(in_person_hours) AS in_person,
           MIN(licensed_since) AS since, SUM(supervised_sessions) AS supervised
    FROM training_credentials{where} GROUP BY npi
"""
TOTALS_SQL = _TOTALS.format(where="")


def totals_sql(where: str) -> str:
    """... or for the NPIs a condition keeps (constant SQL on ``training_credentials``'s
    columns; values as bound parameters)."""
    return _TOTALS.format(where=f" WHERE {where}")


# The filings made in the state where their practitioner practises (the state the directory
# judges them in), for reading a whole directory at once; :func:`registered_in` decides.
_FILINGS = """
    SELECT f.npi, f.state, f.filed_on, f.expires_on
    FROM board_filings f JOIN practitioners p ON p.npi = f.npi AND p.state = f.state{where}
"""
FILINGS_SQL = _FILINGS.format(where="")


def filings_sql(where: str) -> str:
    """... or for the NPIs a condition on ``f`` keeps (constant SQL; values bound)."""
    return _FILINGS.format(where=f" WHERE {where}")


def _sum(values: Iterable[float | int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(sum(present)) if present else None


def training_totals(
    records: Iterable[TrainingRecord], completed_by: date | None = None
) -> TrainingTotals:
    """The courses added up (only those completed by ``completed_by``, when given)."""
    done = [r for r in records if completed_by is None or r.completed_on <= completed_by]
    if not done:
        return NO_TRAINING
    since = [r.licensed_since for r in done if r.licensed_since is not None]
    sessions = _sum(r.supervised_sessions for r in done)
    return TrainingTotals(
        hours=_sum(r.hours for r in done),
        in_person_hours=_sum(r.in_person_hours for r in done),
        licensed_since=min(since) if since else None,
        supervised_sessions=None if sessions is None else int(sessions),
    )


def filing_in_force(filing: FilingRecord, on: date) -> bool:
    """Filed by ``on`` and not expired before it (``expires_on`` is its last day in force)."""
    return filing.filed_on <= on and (filing.expires_on is None or on <= filing.expires_on)


def registered_in(filings: Iterable[FilingRecord], state: str | None, on: date) -> bool | None:
    """True when a filing with ``state``'s board is in force on ``on``; else None (not on
    record: a missing filing is never shown, so never False)."""
    if state and any(f.state == state and filing_in_force(f, on) for f in filings):
        return True
    return None


def eligibility_facts(
    totals: TrainingTotals, on: date, registered: bool | None = None
) -> PractitionerFacts:
    """The facts the law's requirements are checked against, on the day ``on``."""
    years = None
    if totals.licensed_since is not None:
        years = max(0.0, (on - totals.licensed_since).days / DAYS_PER_YEAR)
    return PractitionerFacts(
        training_hours=totals.hours,
        in_person_hours=totals.in_person_hours,
        years_licensed=years,
        supervised_sessions=totals.supervised_sessions,
        registered=registered,
    )


def facts_from_training(
    records: Iterable[TrainingRecord],
    on: date,
    *,
    completed_by: date | None = None,
    filings: Iterable[FilingRecord] = (),
    state: str | None = None,
) -> PractitionerFacts:
    """Courses and board filings -> eligibility facts in ``state`` on ``on`` (the module's
    rules); without ``state`` no filing counts."""
    totals = training_totals(records, completed_by)
    return eligibility_facts(totals, on, registered_in(filings, state, on))


def directory_verdict(
    state: str | None, profession: str | Profession | None, facts: PractitionerFacts, on: date
) -> Eligibility:
    """A practitioner's verdict where they practise; outside the law base it is "law silent"."""
    if profession is None:
        return Eligibility(Verdict.LAW_SILENT, ("profession not covered by the law base",))
    try:
        return practitioner_eligibility(state or "", profession, facts, on)[0]
    except InvalidInput:
        return Eligibility(Verdict.LAW_SILENT, ("no US state of practice on record",))
