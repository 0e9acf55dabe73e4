"""Property tests: the scoring code against an independent formulation of each rule.

The independent versions follow the published wording literally: "16 (total scored) /
45 (total possible score) x 100" for the ODI, "the average of all other items is then
added to the completed items" for the NDI and PHQ-9, the published band tables as
written ("0-20 %", "21-40 %", "5 to 9"...), and the MCID as "improvement of at least N
points or N % of the first score". Exact rationals, no shared code.
"""

from __future__ import annotations

from fractions import Fraction
from statistics import mean

from hypothesis import given, settings
from hypothesis import strategies as st

from pinpoint.errors import InvalidInput
from pinpoint.outcomes import compare, score_responses

ODI_TABLE = [(0, 20, "minimal"), (21, 40, "moderate"), (41, 60, "severe"),
             (61, 80, "crippled"), (81, 100, "bed_bound_or_exaggerating")]  # fmt: skip
NDI_TABLE = [(0, 4, "none"), (5, 14, "mild"), (15, 24, "moderate"), (25, 34, "severe"),
             (35, 50, "complete")]  # fmt: skip
PHQ9_TABLE = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"),
              (15, 19, "moderately_severe"), (20, 27, "severe")]  # fmt: skip


def answers(low: int, high: int, count: int) -> st.SearchStrategy[list[int | None]]:
    return st.lists(st.one_of(st.none(), st.integers(low, high)), min_size=count, max_size=count)


def from_table(table: list[tuple[int, int, str]], score: Fraction) -> str:
    """Read a published integer table; a score between two rows has not reached the next."""
    label = table[0][2]
    for low, _high, name in table:
        if score >= low:
            label = name
    return label


def in_a_published_row(table: list[tuple[int, int, str]], score: Fraction) -> bool:
    return any(low <= score <= high for low, high, _ in table)


def mean_filled_total(values: list[int | None]) -> Fraction:
    given = [Fraction(v) for v in values if v is not None]
    average = mean(given)
    return sum((Fraction(v) if v is not None else average for v in values), Fraction(0))


@given(answers(0, 5, 10))
def test_odi_matches_total_scored_over_total_possible(values: list[int | None]) -> None:
    result = score_responses("odi", values)
    answered = [v for v in values if v is not None]
    if len(answered) < 9:
        assert result.score is None
        assert result.reason
        return
    expected = Fraction(sum(answered), 5 * len(answered)) * 100
    assert result.score == float(expected)
    assert in_a_published_row(ODI_TABLE, expected)  # no ODI score falls between rows
    assert result.band == from_table(ODI_TABLE, expected)
    assert result.missing_items == [i + 1 for i, v in enumerate(values) if v is None]


@given(answers(0, 5, 10))
def test_ndi_matches_the_average_standing_in_for_a_missing_item(
    values: list[int | None],
) -> None:
    result = score_responses("ndi", values)
    if values.count(None) > 1:
        assert (result.score, result.percent, result.band) == (None, None, None)
        return
    raw = mean_filled_total(values)
    assert result.score == float(raw)
    assert result.percent == float(raw * 2)
    assert result.band == from_table(NDI_TABLE, raw)


@given(answers(0, 3, 9))
def test_phq9_matches_the_average_standing_in_for_up_to_two_items(
    values: list[int | None],
) -> None:
    result = score_responses("phq9", values)
    assert result.item9_positive == (None if values[8] is None else values[8] > 0)
    if values.count(None) > 2:
        assert (result.score, result.band) == (None, None)
        return
    total = mean_filled_total(values)
    assert result.score == float(total)
    assert result.band == from_table(PHQ9_TABLE, total)


@given(answers(0, 3, 2))
def test_phq2_positive_from_three(values: list[int | None]) -> None:
    result = score_responses("phq2", values)
    if None in values:
        assert (result.score, result.prompts_phq9) == (None, None)
        return
    total = sum(v for v in values if v is not None)
    assert (result.score, result.prompts_phq9) == (total, total >= 3)


@given(st.lists(st.integers(0, 10), min_size=3, max_size=5))
def test_psfs_is_the_mean_rating(ratings: list[int]) -> None:
    assert score_responses("psfs", ratings).score == float(mean(map(Fraction, ratings)))


@settings(max_examples=300)
@given(answers(0, 5, 10), answers(0, 5, 10))
def test_odi_change_matches_10_points_or_30_percent(
    first: list[int | None], second: list[int | None]
) -> None:
    before, after = score_responses("odi", first), score_responses("odi", second)
    if before.score is None or after.score is None:
        return

    def exact(values: list[int | None]) -> Fraction:
        answered = [v for v in values if v is not None]
        return Fraction(sum(answered) * 100, 5 * len(answered))

    drop = exact(first) - exact(second)
    expected = drop >= 10 or (exact(first) > 0 and drop / exact(first) >= Fraction(3, 10))
    assert compare(before, after).meets_mcid is expected


@settings(max_examples=300)
@given(answers(0, 3, 9), answers(0, 3, 9))
def test_phq9_change_matches_5_points_exactly(
    first: list[int | None], second: list[int | None]
) -> None:
    before, after = score_responses("phq9", first), score_responses("phq9", second)
    if before.score is None or after.score is None:
        return
    drop = mean_filled_total(first) - mean_filled_total(second)
    change = compare(before, after)
    assert change.meets_mcid is (drop >= 5)
    assert change.worsened_beyond_mcid is (-drop >= 5)


@given(
    st.sampled_from(["nprs", "odi", "ndi", "phq2", "phq9", "psfs"]),
    st.lists(
        st.one_of(
            st.none(),
            st.integers(-(10**30), 10**30),
            st.floats(allow_nan=True, allow_infinity=True),
            st.booleans(),
            st.text(max_size=6),
        ),
        max_size=12,
    ),
)
def test_any_input_either_scores_or_names_what_is_wrong(
    instrument: str, values: list[object]
) -> None:
    try:
        result = score_responses(instrument, values)
    except InvalidInput as error:
        refused: InvalidInput | None = error
    else:
        refused = None
        assert result.score is None or 0 <= result.score <= result.max
    if refused is not None:
        assert refused.message
        assert refused.field == "responses" or str(refused.field).startswith("responses[")
