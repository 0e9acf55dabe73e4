"""Bad answers are refused with InvalidInput naming the item as ``responses[N]`` (1-based)."""

from __future__ import annotations

import math

import pytest

from pinpoint.errors import InvalidInput
from pinpoint.outcomes import score_responses


def _refused(instrument: str, responses: object, activities: object = None) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        score_responses(instrument, responses, activities)
    assert caught.value.exit_code == 2
    assert caught.value.http_status == 422
    return caught.value


@pytest.mark.parametrize(
    ("instrument", "responses", "field", "words"),
    [
        ("odi", [0, 0, 6] + [0] * 7, "responses[3]", "section 3 (Lifting) is out of range"),
        ("odi", [0, 0, 0, 0, 0, 0, 0, 0, 0, -1], "responses[10]", "out of range"),
        ("ndi", [0, 0, 0, 0, 0, 0, 0, 0, 0, "-1"], "responses[10]", "out of range"),
        ("nprs", [11], "responses[1]", "item 1 (Pain intensity) is out of range"),
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 4], "responses[9]", "item 9"),
        ("phq2", [True, 0], "responses[1]", "must be a number"),
        ("phq2", [0, False], "responses[2]", "must be a number"),
        ("nprs", [2.5], "responses[1]", "whole number"),
        ("nprs", [math.nan], "responses[1]", "whole number"),
        ("nprs", [math.inf], "responses[1]", "whole number"),
        ("nprs", [-math.inf], "responses[1]", "whole number"),
        ("nprs", ["seven"], "responses[1]", "whole number"),
        ("nprs", ["1.5"], "responses[1]", "whole number"),
        ("nprs", ["NaN"], "responses[1]", "whole number"),
        ("nprs", ["\u0663"], "responses[1]", "whole number"),  # Arabic-Indic three
        ("nprs", ["\uff13"], "responses[1]", "whole number"),  # fullwidth three
        ("nprs", ["\u00b3"], "responses[1]", "whole number"),  # superscript three
        ("nprs", ["\u0969"], "responses[1]", "whole number"),  # Devanagari three
        ("nprs", ["1_0"], "responses[1]", "whole number"),
        ("nprs", ["0x1"], "responses[1]", "whole number"),
        ("nprs", [10**100], "responses[1]", "out of range"),
        ("nprs", ["9" * 5000], "responses[1]", "out of range"),
        ("nprs", [1e300], "responses[1]", "out of range"),
        ("nprs", [[3]], "responses[1]", "must be a number"),
        ("nprs", [{"value": 3}], "responses[1]", "must be a number"),
        ("nprs", [b"3"], "responses[1]", "must be a number"),
        ("psfs", [3, 4, 11], "responses[3]", "activity 3"),
    ],
)  # fmt: skip
def test_a_bad_answer_names_its_item(
    instrument: str, responses: list[object], field: str, words: str
) -> None:
    error = _refused(instrument, responses)
    assert error.field == field
    assert words in error.message


@pytest.mark.parametrize(
    ("instrument", "responses"),
    [
        ("odi", [0] * 9),
        ("odi", [0] * 11),
        ("ndi", []),
        ("nprs", [1, 2]),
        ("phq9", [0] * 8),
        ("phq2", [0, 0, 0]),
        ("psfs", [5, 5]),
        ("psfs", [5] * 6),
    ],
)
def test_a_wrong_number_of_answers_names_the_list(instrument: str, responses: list[int]) -> None:
    error = _refused(instrument, responses)
    assert error.field == "responses"
    assert f"got {len(responses)}" in error.message


@pytest.mark.parametrize("responses", ["1,2,3", b"123", 7, None, {"1": 2}])
def test_responses_must_be_a_list(responses: object) -> None:
    assert _refused("nprs", responses).field == "responses"


@pytest.mark.parametrize("name", ["xyz", "", "odi2", None, 3])
def test_an_unknown_instrument_names_the_choices(name: object) -> None:
    error = _refused(name, [1])  # type: ignore[arg-type]
    assert error.field == "instrument"
    assert "nprs, odi, ndi, phq2, phq9, psfs" in error.message


@pytest.mark.parametrize("name", ["ODI", " odi ", "Odi"])
def test_instrument_names_ignore_case_and_spaces(name: str) -> None:
    assert score_responses(name, [1] * 10).instrument == "odi"


@pytest.mark.parametrize(
    ("answer", "value"), [("3", 3), (" 3 ", 3), ("+3", 3), ("03", 3), (3.0, 3), ("", None)]
)
def test_plain_written_whole_numbers_are_accepted(answer: object, value: int | None) -> None:
    result = score_responses("nprs", [answer])
    assert result.score == (None if value is None else float(value))


@pytest.mark.parametrize(
    ("activities", "field"),
    [
        (["Walking", "Driving"], "activities"),
        (["Walking", "walking ", "Driving"], "activities[2]"),
        (["Walking", "", "Driving"], "activities[2]"),
        (["Walking", 7, "Driving"], "activities[2]"),
        (["Walking", "x" * 101, "Driving"], "activities[2]"),
        ("Walking, Driving, Lifting", "activities"),
    ],
)
def test_bad_psfs_activity_names_are_refused(activities: object, field: str) -> None:
    assert _refused("psfs", [1, 2, 3], activities).field == field


def test_only_the_psfs_takes_activity_names() -> None:
    assert _refused("nprs", [3], ["Walking"]).field == "activities"
