"""Training records and board filings -> eligibility facts: the one rule, and the bulk
read the search index makes, which must agree with it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from pinpoint.directory.search.cache import current_index
from pinpoint.directory.service import get_practitioner
from pinpoint.directory.training import (
    NO_TRAINING,
    TOTALS_SQL,
    FilingDates,
    TrainingTotals,
    eligibility_facts,
    facts_from_training,
    filing_in_force,
    registered_in,
    training_totals,
)
from tests.directory import factories as f


@dataclass(frozen=True)
class Course:
    hours: float
    in_person_hours: float | None
    licensed_since: date | None
    supervised_sessions: int | None
    completed_on: date


courses = st.builds(
    Course,
    hours=st.floats(min_value=0.5, max_value=200, allow_nan=False),
    in_person_hours=st.none() | st.floats(min_value=0, max_value=200, allow_nan=False),
    licensed_since=st.none() | st.dates(date(1980, 1, 1), date(2024, 1, 1)),
    supervised_sessions=st.none() | st.integers(min_value=0, max_value=500),
    completed_on=st.dates(date(2000, 1, 1), date(2026, 1, 1)),
)


def test_no_course_means_no_fact_on_record() -> None:
    assert training_totals([]) == NO_TRAINING
    facts = facts_from_training([], date(2025, 1, 1))
    assert facts.training_hours is None
    assert facts.years_licensed is None
    assert not facts.has_training


def test_several_courses_add_up_and_the_earliest_licence_counts() -> None:
    done = [
        Course(27, 24, date(2015, 6, 1), None, date(2020, 1, 1)),
        Course(16, None, date(2012, 6, 1), 50, date(2021, 1, 1)),
    ]
    totals = training_totals(done)
    assert totals == TrainingTotals(43.0, 24.0, date(2012, 6, 1), 50)
    facts = eligibility_facts(totals, date(2022, 6, 1))
    assert facts.years_licensed == pytest.approx(10.0, abs=0.01)


@given(st.lists(courses, max_size=6), st.dates(date(2000, 1, 1), date(2026, 1, 1)))
def test_only_courses_completed_by_the_day_count_when_asked(
    records: list[Course], day: date
) -> None:
    done = [r for r in records if r.completed_on <= day]
    assert training_totals(records, completed_by=day) == training_totals(done)
    facts = facts_from_training(records, day, completed_by=day)
    assert facts.has_training == bool(done)
    if done:
        assert facts.training_hours == pytest.approx(sum(r.hours for r in done))


def test_the_sql_sums_equal_the_rule(engine: Engine) -> None:
    """The search index reads :data:`TOTALS_SQL`; the practitioner page uses the rule."""
    rng = random.Random(3)
    rows = [f.practitioner("80202") for _ in range(25)]
    creds = []
    for row in rows[:20]:
        for _ in range(rng.randint(1, 4)):
            creds.append(
                f.credential(
                    row["npi"],
                    hours=rng.choice([4.5, 12, 27, 54]),
                    in_person_hours=rng.choice([None, 0.0, 8.0, 24.0]),
                    licensed_since=rng.choice([None, date(2001, 2, 3), date(2015, 7, 1)]),
                    supervised_sessions=rng.choice([None, 0, 50]),
                )
            )
    f.add(engine, rows, creds)
    with engine.connect() as conn:
        sums = {r[0]: r[1:] for r in conn.execute(text(TOTALS_SQL)).all()}
    for row in rows:
        mine = [Course(**_course(c)) for c in creds if c["npi"] == row["npi"]]
        totals = training_totals(mine)
        if not mine:
            assert row["npi"] not in sums
            continue
        hours, in_person, since, supervised = sums[row["npi"]]
        since = None if since is None else date.fromisoformat(str(since)[:10])
        assert totals == TrainingTotals(
            float(hours),
            None if in_person is None else float(in_person),
            since,
            None if supervised is None else int(supervised),
        )


def _course(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("hours", "in_person_hours", "licensed_since", "supervised_sessions", "completed_on")
    return {k: row[k] for k in keys}


# ---- board filings ------------------------------------------------------------------------


def test_a_filing_counts_in_its_state_from_its_day_through_its_last_day() -> None:
    filing = FilingDates("FL", date(2024, 5, 1), date(2025, 4, 30))
    assert filing_in_force(filing, date(2024, 5, 1))
    assert filing_in_force(filing, date(2025, 4, 30))
    assert not filing_in_force(filing, date(2024, 4, 30))
    assert not filing_in_force(filing, date(2025, 5, 1))
    assert filing_in_force(FilingDates("FL", date(2024, 5, 1)), date(2099, 1, 1))
    assert registered_in([filing], "FL", date(2024, 6, 1)) is True
    assert registered_in([filing], "GA", date(2024, 6, 1)) is None
    assert registered_in([filing], None, date(2024, 6, 1)) is None


def test_a_missing_filing_is_never_shown_missing() -> None:
    """Pinpoint may not have been told of a filing: no filing is "not on record", not False."""
    expired = FilingDates("FL", date(2020, 1, 1), date(2021, 1, 1))
    assert registered_in([], "FL", date(2024, 1, 1)) is None
    assert registered_in([expired], "FL", date(2024, 1, 1)) is None
    course = Course(60, 60, date(2010, 1, 1), 30, date(2020, 1, 1))
    facts = facts_from_training([course], date(2024, 1, 1), filings=[expired], state="FL")
    assert facts.registered is None
    facts = facts_from_training([course], date(2020, 6, 1), filings=[expired], state="FL")
    assert facts.registered is True


_FILING_STATES = ("FL", "WA", "MD", "CO", "GA")


def test_the_bulk_read_and_the_practitioner_read_give_the_same_verdicts(engine: Engine) -> None:
    """The search index (:data:`TOTALS_SQL`, :data:`FILINGS_SQL`, one verdict per combination)
    and the practitioner page (the rows, :func:`facts_from_training`) agree on every row."""
    rng = random.Random(11)
    rows = [f.practitioner("80202", state=rng.choice(_FILING_STATES)) for _ in range(60)]
    creds, filings = [], []
    for row in rows:
        for _ in range(rng.choice([0, 1, 1, 2])):
            creds.append(
                f.credential(
                    row["npi"],
                    hours=rng.choice([20, 54, 120]),
                    in_person_hours=rng.choice([None, 40.0, 120.0]),
                    supervised_sessions=rng.choice([None, 25, 300]),
                )
            )
        for day in rng.sample(range(0, 2000, 50), rng.choice([0, 1, 1, 2])):
            filed = date(2020, 1, 1) + timedelta(days=day)
            expires = rng.choice([None, filed + timedelta(days=rng.choice([30, 365, 900]))])
            state = row["state"] if rng.random() < 0.8 else rng.choice(_FILING_STATES)
            filings.append(f.filing(row["npi"], state, filed_on=filed, expires_on=expires))
    f.add(engine, rows, creds, filings=filings)
    index = current_index(engine)
    days = [date(2019, 6, 1), date(2021, 3, 1), date(2022, 7, 15), date(2024, 1, 1), date.today()]
    seen = set()
    for on in days:
        verdicts = index.verdicts(on)
        for at, npi in enumerate(index.npi):
            bulk = verdicts.answers[verdicts.combo[at]]
            mine = get_practitioner(engine, npi.decode(), on).eligibility
            assert (bulk.verdict, list(bulk.reasons)) == (mine.verdict, mine.reasons), (npi, on)
            seen.add(bulk.verdict)
    assert {"eligible", "training_unknown", "not_eligible"} <= seen
