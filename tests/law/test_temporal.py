"""Status on a date: the law then in force, unknown before the first record."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pinpoint.law.jurisdictions import ALL_CODES
from pinpoint.law.knowledge import shipped
from pinpoint.law.service import law_status, timeline
from pinpoint.law.vocabulary import Profession, Status


def test_default_date_is_today() -> None:
    assert law_status("CO").on == date.today()


def test_before_the_first_record_the_answer_is_unknown_and_says_why() -> None:
    answer = law_status("CO", on=date(1990, 1, 1))
    assert answer.status is Status.UNKNOWN
    assert answer.sources == []
    assert "first record" in answer.summary


def test_colorado_in_2012_answers_with_the_board_rule_then_in_force() -> None:
    answer = law_status("CO", on=date(2012, 6, 1))
    assert answer.status is Status.PERMITTED
    assert answer.basis == "regulation"
    assert answer.sources


def test_a_profession_without_data_is_unknown_not_guessed() -> None:
    answer = law_status("CO", Profession.ACUPUNCTURIST)
    assert answer.status is Status.UNKNOWN
    assert answer.sources == []


@given(
    code=st.sampled_from(ALL_CODES),
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
)
def test_the_answer_on_any_date_is_the_period_that_covers_it(code: str, day: date) -> None:
    answer = law_status(code, on=day)
    periods = shipped().timeline(code, Profession.PHYSICAL_THERAPIST)
    covering = [p for p in periods if p.covers(day)]
    assert len(covering) <= 1
    if covering:
        assert answer.status is covering[0].record.status
        assert answer.valid_from == covering[0].starts
    else:
        assert answer.status is Status.UNKNOWN


def test_timelines_are_ordered_and_do_not_overlap() -> None:
    for code in ALL_CODES:
        periods = timeline(code).periods
        for earlier, later in itertools.pairwise(periods):
            assert earlier.valid_until is not None
            assert earlier.valid_until <= later.valid_from  # type: ignore[operator]


def test_a_change_of_law_takes_effect_on_its_first_day() -> None:
    for code in ALL_CODES:
        periods = timeline(code).periods
        for earlier, later in itertools.pairwise(periods):
            assert later.valid_from is not None
            assert law_status(code, on=later.valid_from).status is later.status
            before = later.valid_from - timedelta(days=1)
            assert law_status(code, on=before).status is earlier.status
