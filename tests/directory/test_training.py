"""Training records -> eligibility facts: the one rule, and the SQL sums that mirror it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from pinpoint.directory.training import (
    NO_TRAINING,
    TOTALS_SQL,
    TrainingTotals,
    eligibility_facts,
    facts_from_training,
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


def _course(row: dict[str, object]) -> dict[str, object]:
    keys = ("hours", "in_person_hours", "licensed_since", "supervised_sessions", "completed_on")
    return {k: row[k] for k in keys}
