"""A patient's progress in plain words: direction, scale, and the MCID worded as guidance."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pinpoint.outcomes import compare, score_responses
from pinpoint.outcomes.patient_words import GUIDE, progress_words


def _nprs(before: int, after: int, condition: str = "low_back_pain") -> list[str]:
    change = compare(score_responses("nprs", [before]), score_responses("nprs", [after]), condition)
    return progress_words(change).sentences


def test_a_drop_in_pain_reads_as_the_issue_asks() -> None:
    headline, meaningful, reading, guide = _nprs(7, 4)
    assert headline == "Your pain has dropped 3 points since you started, from 7 to 4 out of 10."
    assert meaningful == (
        "A drop of 2 points, or of 30 % of where you started, is a meaningful change for most "
        "people with low back pain."
    )
    assert reading == "Your change so far is at least that large."
    assert guide == GUIDE


def test_a_rise_in_pain_beyond_the_mcid_asks_to_tell_the_clinician() -> None:
    headline, _meaningful, reading, _guide = _nprs(3, 6)
    assert headline == "Your pain has risen 3 points since you started, from 3 to 6 out of 10."
    assert "please tell your clinician" in reading


def test_no_change_and_one_point_read_naturally() -> None:
    assert _nprs(5, 5)[0] == "Your pain is where it was when you started: 5 out of 10."
    assert _nprs(5, 4, "neck_pain")[0].startswith("Your pain has dropped 1 point since")
    assert "smaller than that" in _nprs(5, 4, "neck_pain")[2]


def test_disability_scores_read_as_percentages() -> None:
    before = score_responses("odi", [3, 3, 2, 3, 2, 3, 2, 2, 3, 3])
    after = score_responses("odi", [1, 1, 2, 1, 1, 2, 1, 1, 1, 2])
    words = progress_words(compare(before, after))
    assert words.headline == (
        "Your back pain disability score (Oswestry) has dropped 26 points since you started, "
        "from 52 % to 26 %."
    )


def test_the_psfs_rises_on_average() -> None:
    names = ["Walking", "Sitting", "Lifting"]
    change = compare(
        score_responses("psfs", [3, 4, 2], names), score_responses("psfs", [5, 6, 5], names)
    )
    words = progress_words(change)
    assert words.headline.startswith(
        "Your ratings of the activities you chose have risen 2.3 points on average"
    )
    assert words.meaningful == "A rise of 2 points is a meaningful change for most people."


@given(before=st.integers(0, 10), after=st.integers(0, 10))
def test_every_reading_is_guidance_and_matches_the_mcid_flag(before: int, after: int) -> None:
    change = compare(score_responses("nprs", [before]), score_responses("nprs", [after]))
    words = progress_words(change)
    assert "guide, not a verdict" in words.guide
    assert ("at least that large" in words.reading) is change.meets_mcid
    assert str(abs(after - before)) in words.headline or before == after


def test_mood_scores_are_named_for_the_patient() -> None:
    change = compare(score_responses("phq9", [2] * 9), score_responses("phq9", [1] * 9))
    headline = progress_words(change).headline
    assert headline.startswith("Your mood score (PHQ-9) has dropped 9 points")
